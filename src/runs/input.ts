import type { Client } from '@temporalio/client';
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow';
import type { FlowRunInput } from '../workflows/definitions';

/**
 * A run's input, from the first event of its history: the flow as it was when the run began,
 * which is what its timeline is drawn from and what a rerun starts with again.
 */
export async function runInput(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<FlowRunInput> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`run ${workflowId}/${runId} has no start event`);
  return decodeFromPayloadsAtIndex<FlowRunInput>(
    client.options.loadedDataConverter,
    0,
    started.input?.payloads,
  );
}
