import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { decodePageToken, encodePageToken } from './pageToken';
import type { RunCounts, RunFilter, RunList } from './schemas';
import { groupedRunsQuery, runsQuery, statusOfGroup, summarize } from './visibility';

export interface ListRunsRequest extends RunFilter {
  pageSize: number;
  pageToken?: string;
}

/**
 * One page of runs, in visibility's order. The raw list call, rather than the SDK's iterator,
 * because only it hands out the page token that lets a client ask for the next page later.
 */
export async function listRuns(client: Client, request: ListRunsRequest): Promise<RunList> {
  const { namespace, loadedDataConverter } = client.options;
  const query = runsQuery(request);
  const response = await client.workflowService.listWorkflowExecutions({
    namespace,
    query,
    pageSize: request.pageSize,
    nextPageToken: request.pageToken ? decodePageToken(query, request.pageToken) : undefined,
  });
  const runs = await Promise.all(
    response.executions.map(async (raw) =>
      summarize(await executionInfoFromRaw(raw, loadedDataConverter, raw, namespace)),
    ),
  );
  const token = response.nextPageToken;
  return { runs, nextPageToken: token?.length ? encodePageToken(query, token) : null };
}

/** How many runs each list holds: exited runs, which Temporal counts as completed, apart. */
export async function countRuns(
  client: Client,
  filter: Omit<RunFilter, 'status'>,
): Promise<RunCounts> {
  const [{ groups }, exited] = await Promise.all([
    client.workflow.count(groupedRunsQuery(filter)),
    client.workflow.count(runsQuery({ ...filter, status: 'exited' })),
  ]);
  const counts: RunCounts = { running: 0, completed: 0, exited: exited.count, failed: 0 };
  for (const { count, groupValues } of groups) {
    const status = statusOfGroup(String(groupValues[0]));
    if (status) counts[status] += count;
  }
  return counts;
}
