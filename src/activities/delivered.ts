import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { releaseSend } from '../store/caps';
import type { Sql, Store } from '../store/db';
import { findDelivery, recordDelivery, type Delivery, type DeliveryKey } from '../store/ledger';
import type { TemplateContext } from '../templates';

/** What the ledger keys a send by; also the source of the Message-ID and Idempotency-Key. */
export function deliveryKey(input: {
  workflowId: string;
  nodeId: string;
  context: TemplateContext;
}): DeliveryKey {
  return {
    workflowId: input.workflowId,
    eventId: input.context.event.id ?? '',
    nodeId: input.nodeId,
  };
}

/**
 * The send this node already made, if any. Temporal runs a local activity again when the
 * workflow task that reported it is lost, so a send asks the ledger before it sends.
 */
export async function deliveredBefore(
  ledger: Sql,
  key: DeliveryKey,
): Promise<Delivery | undefined> {
  try {
    return await findDelivery(ledger, key);
  } catch (err) {
    // Nothing went out yet: the workflow's retry loop tries again after its back-off.
    throw ApplicationFailure.retryable(
      `Cannot read the send ledger: ${(err as Error).message}`,
      'StoreUnavailable',
    );
  }
}

const RECORD_ATTEMPTS = 3;

/**
 * Records a send the provider accepted. A send `reserved` under a frequency cap turns its
 * reservation into the delivery in one transaction, so it never counts twice or not at all.
 */
export async function recordDelivered(
  ledger: Store,
  delivery: Delivery,
  reserved = false,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!reserved) return await recordDelivery(ledger, delivery);
      return await ledger.transaction(async (tx) => {
        await recordDelivery(tx, delivery);
        await releaseSend(tx, delivery);
      });
    } catch (err) {
      // Failing the attempt now means the next one sends again, so the write gets tries of its
      // own first.
      if (attempt === RECORD_ATTEMPTS) {
        throw ApplicationFailure.retryable(
          `Delivered, but cannot record it in the send ledger, so the next attempt may send it again: ${(err as Error).message}`,
          'StoreUnavailable',
        );
      }
      await sleep(200 * 4 ** (attempt - 1));
    }
  }
}
