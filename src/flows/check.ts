import { flowLevels } from './graph';
import { loadFlows } from './load';
import { FlowValidationError } from './problems';
import { requiredProperties } from './requiredProperties';
import type { Flow } from './schema';

function describeFlow(flow: Flow): string {
  const levels = flowLevels(flow);
  const width = String(levels.length).length;
  const needs = requiredProperties(flow).map((r) => r.path);
  return [
    `${flow.id} v${flow.version}  on ${flow.trigger.event}  (reentry ${flow.reentry})`,
    `  needs ${needs.length > 0 ? needs.join(', ') : 'no properties'}`,
    ...levels.map((ids, i) => `  ${String(i + 1).padStart(width)}  ${ids.join(', ')}`),
  ].join('\n');
}

async function main(paths: string[]): Promise<void> {
  const flows = (await loadFlows(paths.length > 0 ? paths : ['flows/'])).all();
  console.log(flows.map(describeFlow).join('\n\n'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof FlowValidationError ? err.message : err);
  process.exitCode = 1;
});
