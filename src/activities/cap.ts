import { ApplicationFailure } from '@temporalio/common';
import type { FrequencyCap } from '../flows/frequencyCap';
import { emailsCapped } from '../metrics';
import { releaseSend, reserveSend } from '../store/caps';
import type { Store } from '../store/db';
import type { DeliveryKey } from '../store/ledger';

/**
 * Reserves this email's place under the user's frequency cap. Undefined when it may go; else
 * when the cap allows the next one (epoch ms).
 */
export async function cappedUntil(
  store: Store,
  send: DeliveryKey & { userHash: string; flowId: string },
  cap: FrequencyCap,
): Promise<number | undefined> {
  let answer;
  try {
    answer = await reserveSend(store, send, cap, new Date());
  } catch (err) {
    // Nothing went out yet: the workflow's retry loop tries again after its back-off.
    throw ApplicationFailure.retryable(
      `Cannot check the frequency cap: ${(err as Error).message}`,
      'StoreUnavailable',
    );
  }
  if (answer.reserved) return undefined;
  emailsCapped.inc({ flow: send.flowId });
  return answer.until.getTime();
}

/** A send that failed for good frees its place; if the store is down, it counts until it ages out. */
export async function freePlace(store: Store, key: DeliveryKey): Promise<void> {
  await releaseSend(store, key).catch(() => {});
}
