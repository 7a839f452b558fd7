import type { Sql } from './db';

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** An address that gets no marketing email, keyed by its hash so that erasure keeps it. */
export interface Suppression {
  addressHash: string;
  /** Null when unknown (an unsubscribe link carries only the hash) or erased. */
  address: string | null;
  reason: SuppressionReason;
  /** What suppressed it: `link`, `api`, or the event or call that reported it. */
  source: string;
  suppressedAt: Date;
}

interface Row {
  address_hash: string;
  address: string | null;
  reason: SuppressionReason;
  source: string;
  suppressed_at: Date;
}

/** The first reason stands; an address learnt later is kept. */
export async function suppress(sql: Sql, s: Omit<Suppression, 'suppressedAt'>): Promise<void> {
  await sql.query(
    `insert into suppressions (address_hash, address, reason, source, suppressed_at)
     values ($1, $2, $3, $4, $5)
     on conflict (address_hash) do update
       set address = coalesce(suppressions.address, excluded.address)`,
    // The time from here, in milliseconds: a page cursor made of it must find the row again.
    [s.addressHash, s.address, s.reason, s.source, new Date().toISOString()],
  );
}

/** Subscribes the address again; false when it was not suppressed. */
export async function unsuppress(sql: Sql, addressHash: string): Promise<boolean> {
  const rows = await sql.query('delete from suppressions where address_hash = $1 returning 1', [
    addressHash,
  ]);
  return rows.length > 0;
}

export async function suppressionOf(
  sql: Sql,
  addressHash: string,
): Promise<Suppression | undefined> {
  const [row] = await sql.query<Row>('select * from suppressions where address_hash = $1', [
    addressHash,
  ]);
  return row && fromRow(row);
}

/** Which of the hashes are suppressed. */
export async function suppressedAmong(sql: Sql, addressHashes: string[]): Promise<string[]> {
  const rows = await sql.query<{ address_hash: string }>(
    'select address_hash from suppressions where address_hash = any($1)',
    [addressHashes],
    { planOnce: true },
  );
  return rows.map((r) => r.address_hash);
}

/** Where a page of suppressions ended: the next page starts after it. */
export interface SuppressionCursor {
  suppressedAt: Date;
  addressHash: string;
}

/** Oldest first, `limit` at most, after `cursor`: pages hold still while new rows arrive. */
export async function listSuppressions(
  sql: Sql,
  limit: number,
  cursor?: SuppressionCursor,
): Promise<Suppression[]> {
  const rows = cursor
    ? await sql.query<Row>(
        `select * from suppressions where (suppressed_at, address_hash) > ($1, $2)
         order by suppressed_at, address_hash limit $3`,
        [cursor.suppressedAt.toISOString(), cursor.addressHash, limit],
      )
    : await sql.query<Row>(
        'select * from suppressions order by suppressed_at, address_hash limit $1',
        [limit],
      );
  return rows.map(fromRow);
}

function fromRow(row: Row): Suppression {
  return {
    addressHash: row.address_hash,
    address: row.address,
    reason: row.reason,
    source: row.source,
    suppressedAt: new Date(row.suppressed_at),
  };
}
