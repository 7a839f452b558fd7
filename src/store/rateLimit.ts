import { randomUUID } from 'node:crypto';
import type { Sql, Store } from './db';

/** At most `max` sends in any `perMs`, across every worker that shares the store. */
export interface Rate {
  max: number;
  perMs: number;
}

/**
 * Send now, and say when it is done with `turn`; or wait `waitMs` and ask again with `slot`,
 * the place this send keeps in line.
 */
export type Turn = { go: true; turn: string } | { go: false; waitMs: number; slot: number };

/** A send under way (no `done` yet) or done in the last window. */
interface Send {
  turn: string;
  at: number;
  done?: number;
}

interface Bucket {
  /** When the next send that queues may go: sends line up one interval apart. */
  nextSlot: number;
  sends: Send[];
}

// A send under way this long died with its worker: a local activity's timeout is a minute.
const UNDER_WAY_MS = 60_000;

/**
 * A send's turn under the rate `key` names (`smtp`, `webhook:<host>`). A new send takes the
 * next slot in line, an interval after the one before, so a queue of sends is told to wait in
 * turn rather than all asking again at once. At its slot it goes if fewer than `max` sends were
 * under way or done in the last `perMs`: the provider receives each send between its turn and
 * its end, so no window of the provider's clock sees more than `max`, however late sends wake
 * up or however long they take.
 */
export async function takeTurn(
  store: Store,
  key: string,
  rate: Rate,
  now: number,
  slot?: number,
): Promise<Turn> {
  return store.transaction(async (tx) => {
    const bucket = await lockBucket(tx, key);
    const turn = nextTurn(bucket, rate, now, slot);
    await saveBucket(tx, key, bucket);
    return turn;
  });
}

/** The send of `turn` is done, sent or failed: it counts for one more window from `now`. */
export async function endTurn(store: Store, key: string, turn: string, now: number): Promise<void> {
  await store.transaction(async (tx) => {
    const bucket = await lockBucket(tx, key);
    const send = bucket.sends.find((s) => s.turn === turn);
    if (!send) return;
    send.done = now;
    await saveBucket(tx, key, bucket);
  });
}

function nextTurn(bucket: Bucket, rate: Rate, now: number, slot?: number): Turn {
  const until = (s: Send) => s.done ?? s.at + UNDER_WAY_MS;
  bucket.sends = bucket.sends.filter((s) => until(s) > now - rate.perMs);
  if (slot === undefined) {
    slot = Math.max(now, bucket.nextSlot);
    bucket.nextSlot = slot + interval(bucket, rate);
    if (slot > now) return { go: false, waitMs: Math.ceil(slot - now), slot };
  }
  if (bucket.sends.length < rate.max) {
    const turn = randomUUID();
    bucket.sends.push({ turn, at: now });
    return { go: true, turn };
  }
  // The first done leaves the window first: one under way ends later, and counts a window more.
  const done = bucket.sends.flatMap((s) => (s.done === undefined ? [] : [s.done]));
  const frees = (done.length > 0 ? Math.min(...done) : now) + rate.perMs;
  return { go: false, waitMs: Math.ceil(frees - now), slot };
}

/**
 * A send counts for a window and its own duration: sends lined up `perMs / max` apart would
 * find the window full at their slots, so the line leaves room for the durations seen lately.
 */
function interval({ sends }: Bucket, rate: Rate): number {
  const spans = sends.flatMap((s) => (s.done === undefined ? [] : [s.done - s.at]));
  const span = spans.length > 0 ? spans.reduce((sum, ms) => sum + ms, 0) / spans.length : 0;
  return (rate.perMs + span) / rate.max;
}

async function lockBucket(tx: Sql, key: string): Promise<Bucket> {
  await tx.query(
    `insert into rate_limits (key, next_slot, sends) values ($1, 0, '[]') on conflict do nothing`,
    [key],
  );
  const [row] = await tx.query<{ next_slot: number; sends: Send[] }>(
    'select next_slot, sends from rate_limits where key = $1 for update',
    [key],
  );
  return { nextSlot: row.next_slot, sends: row.sends };
}

async function saveBucket(tx: Sql, key: string, bucket: Bucket): Promise<void> {
  await tx.query('update rate_limits set next_slot = $2, sends = $3 where key = $1', [
    key,
    bucket.nextSlot,
    JSON.stringify(bucket.sends),
  ]);
}
