import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { EVENT, FLOW_ID, FLOW_VERSION, USER } from '../temporal/searchAttributes';
import { flowRun } from '../workflows/flowRun';
import { NotRerunnable } from './errors';
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
    throw new NotRerunnable(
      `only a failed run can be rerun; the latest run of "${workflowId}" is ${status}`,
    );
  }
  const [{ flow, event, user, limits }, progress] = await Promise.all([
    runInput(client, workflowId, description.runId),
    queryProgress(client, description),
  ]);
  const completed = progress.nodes.filter((node) => node.state === 'completed');
  try {
    const handle = await client.workflow.start(flowRun, {
      workflowId,
      taskQueue: description.taskQueue,
      // The run's own input, without where its last execution resumed from (if it continued
      // as new): the nodes to skip are those its progress shows completed.
      args: [
        { flow, event, user, limits, resume: Object.fromEntries(completed.map((n) => [n.id, n])) },
      ],
      // Policies hold per start request: the flow's reentry still governs new events, while an
      // operator may start this ID again, only after a failure. A run that is already going
      // wins, and so does a rerun that finished meanwhile: the second of two reruns is refused
      // rather than repeating what the first completed.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      workflowIdConflictPolicy: 'FAIL',
      memo: description.memo,
      typedSearchAttributes: socktechAttributes(description.typedSearchAttributes),
    });
    return { workflowId, runId: handle.firstExecutionRunId, resumed: completed.map((n) => n.id) };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new NotRerunnable(
        `"${workflowId}" was rerun already: its latest run is running or has completed`,
      );
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
