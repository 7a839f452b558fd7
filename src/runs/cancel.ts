import type { Client } from '@temporalio/client';
import { NotCancelable } from './errors';
import { describeRun } from './fetch';
import type { RunActionReply } from './schemas';

/** Asks the latest run to cancel; it ends as canceled once the workflow has handled it. */
export async function cancelRun(client: Client, workflowId: string): Promise<RunActionReply> {
  const { runId, status } = await describeRun(client, workflowId);
  if (status.name !== 'RUNNING') {
    throw new NotCancelable(
      `the latest run of "${workflowId}" is not running: it is ${status.name}`,
    );
  }
  await client.workflow.getHandle(workflowId, runId).cancel();
  return { workflowId, runId };
}
