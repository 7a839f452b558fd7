import type { Store } from './db';

/** At most `max` sends in any `perMs`, across every worker that shares the store. */
export interface Rate {
  max: number;
  perMs: number;
}

/** Send now, or wait `waitMs` and ask again with `slot`, the place this send keeps in line. */
export type Turn = { go: true } | { go: false; waitMs: number; slot: number };

interface Bucket {
  /** When the next send that queues may go: sends line up one interval apart. */
  nextSlot: number;
  /** When the sends of the last `perMs` went, oldest first. */
  grants: number[];
}

/**
 * A send's turn under the rate `key` names (`smtp`, `webhook:<host>`). A new send takes the
 * next slot in line, one interval (`perMs / max`) after the one before, so a queue of sends is
 * told to wait in turn rather than all retrying at once. At its slot it goes if fewer than `max`
 * went in the last `perMs`: late wake-ups bunched together cannot exceed the rate.
 */
export async function takeTurn(
  store: Store,
  key: string,
  rate: Rate,
  now: number,
  slot?: number,
): Promise<Turn> {
  return store.transaction(async (tx) => {
    await tx.query(
      `insert into rate_limits (key, next_slot, grants) values ($1, 0, '{}') on conflict do nothing`,
      [key],
    );
    const [row] = await tx.query<{ next_slot: number; grants: number[] }>(
      'select next_slot, grants from rate_limits where key = $1 for update',
      [key],
    );
    const bucket = { nextSlot: row.next_slot, grants: row.grants };
    const turn = nextTurn(bucket, rate, now, slot);
    await tx.query('update rate_limits set next_slot = $2, grants = $3 where key = $1', [
      key,
      bucket.nextSlot,
      bucket.grants,
    ]);
    return turn;
  });
}

function nextTurn(bucket: Bucket, rate: Rate, now: number, slot?: number): Turn {
  if (slot === undefined) {
    slot = Math.max(now, bucket.nextSlot);
    bucket.nextSlot = slot + rate.perMs / rate.max;
    if (slot > now) return { go: false, waitMs: Math.ceil(slot - now), slot };
  }
  bucket.grants = bucket.grants.filter((at) => at > now - rate.perMs);
  if (bucket.grants.length < rate.max) {
    bucket.grants.push(now);
    return { go: true };
  }
  return { go: false, waitMs: Math.ceil(bucket.grants[0] + rate.perMs - now), slot };
}
