// The worker bundles this file: it lists every workflow Socktech runs.
export { flowRun } from './flowRun';
