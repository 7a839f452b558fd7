import type { Client } from '@temporalio/client';
import { EVENT, FLOW_ID, FLOW_VERSION, USER } from '../temporal/searchAttributes';
import type { FlowRunInput } from '../workflows/definitions';
import { flowRun } from '../workflows/flowRun';
import { reentryPolicies } from './startOptions';

export interface StartTarget {
  client: Client;
  taskQueue: string;
  /** Only when the client shares its connection with a worker in this process. */
  eagerStart: boolean;
}

/** Starts one run of a flow for one event, as ingest and the relay both do; returns its run ID. */
export async function startRun(
  target: StartTarget,
  workflowId: string,
  input: FlowRunInput,
): Promise<string> {
  const { flow, user, event } = input;
  const handle = await target.client.workflow.start(flowRun, {
    workflowId,
    taskQueue: target.taskQueue,
    args: [input],
    ...reentryPolicies[flow.reentry],
    requestEagerStart: target.eagerStart,
    memo: { email: user.email, event: event.name, flowName: flow.name },
    typedSearchAttributes: [
      { key: FLOW_ID, value: flow.id },
      { key: FLOW_VERSION, value: flow.version },
      { key: USER, value: user.hash },
      { key: EVENT, value: event.name },
    ],
  });
  return handle.firstExecutionRunId;
}
