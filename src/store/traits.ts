import type { Sql } from './db';

/**
 * The traits identify calls gave each address, for the runs ingest starts, in one query for a
 * whole batch. An address with several user ids gets their traits merged, the most recently
 * identified winning; an address no call named is absent.
 */
export async function traitsByAddress(
  sql: Sql,
  addressHashes: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const traits = new Map<string, Record<string, unknown>>();
  if (addressHashes.length === 0) return traits;
  const rows = await sql.query<{ email_hash: string; traits: Record<string, unknown> }>(
    `select email_hash, traits from profiles where email_hash = any($1)
     order by updated_at, user_id desc`,
    [addressHashes],
  );
  for (const row of rows) {
    traits.set(row.email_hash, { ...traits.get(row.email_hash), ...row.traits });
  }
  return traits;
}
