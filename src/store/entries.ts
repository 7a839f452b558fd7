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

/** Records an entry; recording it again keeps the first time. */
export async function recordEntry(sql: Sql, { flowId, userHash }: Entry): Promise<void> {
  await sql.query(
    `insert into flow_entries (flow_id, user_hash, entered_at) values ($1, $2, $3)
     on conflict do nothing`,
    [flowId, userHash, new Date().toISOString()],
  );
}

/** Records them in one statement, as ingest does for a request; each keeps its first time. */
export async function recordEntries(sql: Sql, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql.query(
    `insert into flow_entries (flow_id, user_hash, entered_at)
     select flow_id, user_hash, $3 from unnest($1::text[], $2::text[]) as t(flow_id, user_hash)
     on conflict do nothing`,
    [entries.map((e) => e.flowId), entries.map((e) => e.userHash), new Date().toISOString()],
  );
}

/** Those of the entries that were recorded, in one query for a whole batch of events. */
export async function enteredAmong(sql: Sql, entries: Entry[]): Promise<Entry[]> {
  if (entries.length === 0) return [];
  const rows = await sql.query<{ flow_id: string; user_hash: string }>(
    `select flow_id, user_hash from flow_entries
     where (flow_id, user_hash) in (select * from unnest($1::text[], $2::text[]))`,
    [entries.map((e) => e.flowId), entries.map((e) => e.userHash)],
  );
  return rows.map((row) => ({ flowId: row.flow_id, userHash: row.user_hash }));
}
