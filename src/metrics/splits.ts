import type { InjectedSinks } from '@temporalio/worker';
import type { FlowSinks } from '../workflows/sinks';
import { splitPaths } from '.';

/** Counts the path a split took, once per run: sinks are not called again on replay. */
export const metricSinks: InjectedSinks<FlowSinks> = {
  metrics: {
    splitTaken: {
      fn: (_info, flow, node, path) => splitPaths.inc({ flow, node, path }),
    },
  },
};
