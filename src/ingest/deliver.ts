import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { FlowIndex } from '../flows/load';
import { eventSignal, type RunEvent } from '../workflows/definitions';
import { workflowIdFor } from './identity';

export interface Delivery {
  flowId: string;
  workflowId: string;
}

/**
 * Signals the event to the user's runs of every flow that waits for it. Waits exist only in
 * flows with one workflow ID per user (flows:check refuses them in every-event flows), so the
 * ID is known without a lookup. A run that has ended is simply not delivered to.
 */
export async function deliver(
  client: Client,
  flows: FlowIndex,
  userHash: string,
  event: RunEvent,
): Promise<Delivery[]> {
  const sent = await Promise.all(
    flows.waitingFor(event.name).map(async (flow) => {
      const workflowId = workflowIdFor(flow, userHash, '');
      try {
        await client.workflow.getHandle(workflowId).signal(eventSignal, event);
        return [{ flowId: flow.id, workflowId }];
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return [];
        throw err;
      }
    }),
  );
  return sent.flat();
}
