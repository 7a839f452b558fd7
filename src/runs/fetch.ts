import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { progressQuery, type RunProgress } from '../workflows/definitions';
import { ProgressUnavailable, RunNotFound } from './errors';

/** Long enough for a replay of a long history, short enough for a page that polls. */
const PROGRESS_TIMEOUT_MS = 5_000;

/** The latest run of the workflow, or the run given; RunNotFound when there is no such flow run. */
export async function describeRun(
  client: Client,
  workflowId: string,
  runId?: string,
): Promise<WorkflowExecutionDescription> {
  const which = runId ? `run "${runId}" of workflow "${workflowId}"` : `workflow "${workflowId}"`;
  try {
    const description = await client.workflow.getHandle(workflowId, runId).describe();
    if (description.type === 'flowRun') return description;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  throw new RunNotFound(`no flow run found for ${which}`);
}

/**
 * The run's node states, from its progress query. A closed run answers too: a worker replays
 * its history to answer, so one must be polling the run's task queue.
 */
export async function queryProgress(
  client: Client,
  { workflowId, runId, taskQueue }: WorkflowExecutionDescription,
): Promise<RunProgress> {
  try {
    return await client.withDeadline(Date.now() + PROGRESS_TIMEOUT_MS, () =>
      client.workflow.getHandle(workflowId, runId).query(progressQuery),
    );
  } catch (err) {
    const why = (err as Error).message;
    throw new ProgressUnavailable(
      `the run's progress query went unanswered (is a worker polling task queue "${taskQueue}"?): ${why}`,
    );
  }
}
