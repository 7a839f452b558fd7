import type { Sinks } from '@temporalio/workflow';

/**
 * Calls from workflow code into the worker's process, outside the history: Temporal makes them
 * once a task has completed, and not again when it replays one.
 */
export interface FlowSinks extends Sinks {
  metrics: {
    splitTaken(flowId: string, nodeId: string, path: string): void;
  };
}
