import type { Sql } from './db';
import type { Entry } from './entries';

export interface KnownUsers {
  /** Per address hash, the traits identify calls gave it; absent when no call named it. */
  traits: Map<string, Record<string, unknown>>;
  /** Those of the entries asked about that were recorded (see entries.ts). */
  entered: Entry[];
}

interface Row {
  part: 0 | 1;
  key: string;
  traits: Record<string, unknown> | null;
  flow_id: string | null;
}

/**
 * The traits of the addresses and which of the entries exist, in one query: ingest needs both
 * before a start, and on the embedded store each query costs CPU in this very process. An
 * address with several user ids gets their traits merged, the most recently identified winning.
 */
export async function knownUsers(
  sql: Sql,
  addressHashes: string[],
  entries: Entry[],
): Promise<KnownUsers> {
  const known: KnownUsers = { traits: new Map(), entered: [] };
  if (addressHashes.length === 0 && entries.length === 0) return known;
  // Each id once: a repeated one makes the plan try every pairing again. Together the two
  // lists may match pairs not asked for, which are dropped below.
  const unique = (ids: string[]) => [...new Set(ids)];
  const rows = await sql.query<Row>(
    `select part, key, traits, flow_id from (
       select 0 as part, email_hash as key, traits, null as flow_id, updated_at, user_id
       from profiles where email_hash = any($1::text[])
       union all
       select 1, user_hash, null, flow_id, null, null
       from flow_entries where flow_id = any($2::text[]) and user_hash = any($3::text[])
     ) as known
     order by part, updated_at, user_id desc`,
    [
      unique(addressHashes),
      unique(entries.map((e) => e.flowId)),
      unique(entries.map((e) => e.userHash)),
    ],
    { planOnce: true },
  );
  const asked = new Set(entries.map((e) => `${e.flowId}:${e.userHash}`));
  for (const row of rows) {
    if (row.part === 0) {
      known.traits.set(row.key, { ...known.traits.get(row.key), ...row.traits });
    } else if (asked.has(`${row.flow_id}:${row.key}`)) {
      known.entered.push({ flowId: row.flow_id!, userHash: row.key });
    }
  }
  return known;
}
