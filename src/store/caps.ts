import type { FrequencyCap } from '../flows/frequencyCap';
import type { Sql, Store } from './db';
import type { DeliveryKey } from './ledger';

// Apart from the migration's: two keys (this one, then the user's) never meet a one-key lock.
const CAP_LOCK = 0x50c7ed;

/** A send may go (it holds a reservation now), or the cap allows the next one at `until`. */
export type CapAnswer = { reserved: true } | { reserved: false; until: Date };

/**
 * Counts the user's marketing emails in the window, delivered or reserved, and reserves a place
 * for this send when the cap allows one. Workers take turns per user on an advisory lock, so two
 * runs racing for the last place never both get it; a send that asks again (a rerun, an attempt
 * run again) finds its own reservation and is not counted twice.
 */
export async function reserveSend(
  store: Store,
  send: DeliveryKey & { userHash: string },
  cap: FrequencyCap,
  now: Date,
): Promise<CapAnswer> {
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [CAP_LOCK, send.userHash]);
    const key = [send.workflowId, send.eventId, send.nodeId];
    const [own] = await tx.query(
      'select 1 from send_reservations where workflow_id = $1 and event_id = $2 and node_id = $3',
      key,
    );
    if (own) return { reserved: true };
    const since = new Date(now.getTime() - cap.perMs).toISOString();
    // One statement, so a reservation turning into its delivery is seen once, as one or the other.
    const newest = await tx.query<{ at: Date }>(
      `select delivered_at as at from deliveries
         where user_hash = $1 and channel = 'email' and coalesce(category, 'marketing') = 'marketing'
           and delivered_at > $2
       union all
       select reserved_at from send_reservations where user_hash = $1 and reserved_at > $2
       order by at desc limit $3`,
      [send.userHash, since, cap.max],
    );
    if (newest.length < cap.max) {
      await tx.query(
        `insert into send_reservations (workflow_id, event_id, node_id, user_hash, reserved_at)
         values ($1, $2, $3, $4, $5)`,
        [...key, send.userHash, now.toISOString()],
      );
      return { reserved: true };
    }
    // The oldest of the newest `max` leaving the window frees a place.
    return { reserved: false, until: new Date(new Date(newest.at(-1)!.at).getTime() + cap.perMs) };
  });
}

/**
 * Ends a reservation: in the transaction that records its delivery, which counts from then on,
 * or alone when the send failed for good and frees its place.
 */
export async function releaseSend(sql: Sql, key: DeliveryKey): Promise<void> {
  await sql.query(
    'delete from send_reservations where workflow_id = $1 and event_id = $2 and node_id = $3',
    [key.workflowId, key.eventId, key.nodeId],
  );
}
