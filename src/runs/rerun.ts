import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { HttpError } from '../api/errors';
import { EVENT, FLOW_ID, FLOW_VERSION, USER } from '../temporal/searchAttributes';
import { describeRun, queryProgress } from './fetch';
import { runInput } from './input';
import type { RunActionReply } from './schemas';
import { statusOf } from './visibility';

/**
 * Starts the failed run again as a new run of the same workflow ID and input, told which nodes
 * already completed: the interpreter skips those, so no email goes out twice, and the node that
 * failed starts over with a fresh retry budget.
 */
export async function rerunRun(client: Client, workflowId: string): Promise<RunActionReply> {
  const description = await describeRun(client, workflowId);
  if (statusOf(description.status.name) !== 'failed') {
    const status = description.status.name;
    throw new HttpError(
      409,
      `only a failed run can be rerun; the latest run of "${workflowId}" is ${status}`,
    );
  }
  const [input, progress] = await Promise.all([
    runInput(client, workflowId, description.runId),
    queryProgress(client, description),
  ]);
  const completed = progress.nodes.filter((node) => node.state === 'completed');
  try {
    const handle = await client.workflow.start('flowRun', {
      workflowId,
      taskQueue: description.taskQueue,
      args: [{ ...input, resume: Object.fromEntries(completed.map((node) => [node.id, node])) }],
      // Policies hold per start request: the flow's reentry still governs new events, while
      // an operator may start this ID again. A run that is already going wins.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      memo: description.memo,
      typedSearchAttributes: socktechAttributes(description.typedSearchAttributes),
    });
    return { workflowId, runId: handle.firstExecutionRunId, resumed: completed.map((n) => n.id) };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new HttpError(409, `a run of "${workflowId}" is already running`);
    }
    throw err;
  }
}

/** Ours only: what the SDK set on the failed run (such as TemporalChangeVersion) was about it. */
function socktechAttributes(attributes: TypedSearchAttributes): SearchAttributePair[] {
  return [FLOW_ID, FLOW_VERSION, USER, EVENT].flatMap((key) => {
    const value = attributes.get(key);
    return value === undefined ? [] : [{ key, value }];
  });
}
