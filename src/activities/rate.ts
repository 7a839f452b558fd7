import { ApplicationFailure } from '@temporalio/common';
import { rateWaits } from '../metrics';
import type { Store } from '../store/db';
import { endTurn, takeTurn, type Rate } from '../store/rateLimit';

/** Over the rate, nothing was sent: the workflow sleeps `waitMs`, then asks again with `slot`. */
export interface RateWait {
  waitMs: number;
  slot: number;
}

/** `wait`, or go, then call `done` once the send is done, sent or failed. */
export interface RateTurn {
  wait?: RateWait;
  done(): Promise<void>;
}

const noTurn: RateTurn = { done: async () => {} };

/**
 * A send's turn under the rate `key`, which has no limit when `rate` is absent. The wait is the
 * workflow's to sleep, on a durable timer: a local activity sleeping here would hold a worker's
 * slot, and could outlive its timeout behind a long queue.
 */
export async function rateTurn(
  store: Store,
  key: string,
  rate: Rate | undefined,
  slot: number | undefined,
): Promise<RateTurn> {
  if (!rate) return noTurn;
  let turn;
  try {
    turn = await takeTurn(store, key, rate, Date.now(), slot);
  } catch (err) {
    // Nothing went out yet: the workflow's retry loop tries again after its back-off.
    throw ApplicationFailure.retryable(
      `Cannot take a turn under the ${key} rate limit: ${(err as Error).message}`,
      'StoreUnavailable',
    );
  }
  if (!turn.go) {
    rateWaits.inc({ limit: key.split(':')[0] });
    return { ...noTurn, wait: { waitMs: turn.waitMs, slot: turn.slot } };
  }
  const { turn: id } = turn;
  // A send whose end is not recorded counts as under way, for a minute: the limit stays safe.
  return { done: () => endTurn(store, key, id, Date.now()).catch(() => {}) };
}
