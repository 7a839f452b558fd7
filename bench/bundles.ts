import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

export interface Bundles {
  socktech: { code: string };
  baseline: { code: string };
}

const bundle = (workflowsPath: string) =>
  bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });

/** Each side's workflows, bundled once for every worker of the run. */
export async function bundleWorkflows(socktech?: { code: string }): Promise<Bundles> {
  const [s, b] = await Promise.all([
    socktech ?? bundle(require.resolve('../src/workflows')),
    bundle(require.resolve('./baseline/workflows')),
  ]);
  return { socktech: s, baseline: b };
}
