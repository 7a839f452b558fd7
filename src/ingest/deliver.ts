import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FlowIndex } from '../flows/load';
import { eventSignal, type RunEvent } from '../workflows/definitions';
import { workflowIdFor } from './identity';
import type { Delivery } from './match';

export interface Attempt {
  delivery: Delivery;
  /** Why the signal did not go through; absent when it did. */
  error?: unknown;
}

/**
 * Signals the event to the user's runs of every flow that waits for it or exits on it. Waits
 * and exit rules exist only in flows with one workflow ID per user (flows:check refuses them in
 * every-event flows), so the ID is known without a lookup. A run that has ended is simply not
 * delivered to.
 */
export async function deliver(
  client: Client,
  flows: FlowIndex,
  userHash: string,
  event: RunEvent,
): Promise<Attempt[]> {
  const attempts = await Promise.all(
    flows.waitingFor(event.name).map(async (flow): Promise<Attempt[]> => {
      const delivery = { flowId: flow.id, workflowId: workflowIdFor(flow, userHash, '') };
      try {
        await client.workflow.getHandle(delivery.workflowId).signal(eventSignal, event);
        return [{ delivery }];
      } catch (error) {
        return error instanceof WorkflowNotFoundError ? [] : [{ delivery, error }];
      }
    }),
  );
  return attempts.flat();
}
