import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Flow } from '../../src/flows/schema';
import { userHash, workflowIdFor } from '../../src/ingest/identity';
import { EVENT, FLOW_ID, FLOW_VERSION, USER } from '../../src/temporal/searchAttributes';
import type { FlowRunInput } from '../../src/workflows/definitions';
import { flowRun } from '../../src/workflows/flowRun';

/**
 * Starts a run as ingest does (same ID, memo and search attributes, so the API lists it), with
 * input fields ingest never sets, such as a low history limit.
 */
export function startFlowRun(
  client: Client,
  taskQueue: string,
  flow: Flow,
  email: string,
  extra: Partial<FlowRunInput> = {},
) {
  const user = { email, hash: userHash(email) };
  const event = { name: flow.trigger.event, id: randomUUID(), properties: {} };
  return client.workflow.start(flowRun, {
    workflowId: workflowIdFor(flow, user.hash, event.id),
    taskQueue,
    args: [{ flow, event, user, ...extra }],
    memo: { email, event: event.name, flowName: flow.name },
    typedSearchAttributes: [
      { key: FLOW_ID, value: flow.id },
      { key: FLOW_VERSION, value: flow.version },
      { key: USER, value: user.hash },
      { key: EVENT, value: event.name },
    ],
  });
}
