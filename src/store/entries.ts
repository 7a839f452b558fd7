import type { Sql } from './db';

/**
 * A user who entered a `reentry: "once"` flow. Temporal's REJECT_DUPLICATE remembers a closed
 * run only for the namespace's retention; this table remembers for good. The user is a hash
 * only, so an erased user stays entered, as an unsubscribed one stays unsubscribed.
 */
export interface Entry {
  flowId: string;
  userHash: string;
}

/**
 * Records them in one statement, as ingest does for a request; recording one again keeps its
 * first time. Which were recorded is read with the traits before a start (see known.ts).
 */
export async function recordEntries(sql: Sql, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql.query(
    `insert into flow_entries (flow_id, user_hash, entered_at)
     select flow_id, user_hash, $3 from unnest($1::text[], $2::text[]) as t(flow_id, user_hash)
     on conflict do nothing`,
    [entries.map((e) => e.flowId), entries.map((e) => e.userHash), new Date().toISOString()],
    { planOnce: true },
  );
}
