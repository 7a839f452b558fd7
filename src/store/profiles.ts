import type { Sql } from './db';

/** A user of the app, by its own id, with the email and traits its identify calls gave. */
export interface Profile {
  userId: string;
  /** Null until a call gives one, and again once erased. */
  email: string | null;
  traits: Record<string, unknown>;
  updatedAt: Date;
}

interface Row {
  user_id: string;
  email: string | null;
  traits: Record<string, unknown>;
  updated_at: Date;
}

/**
 * Records what an identify call says. Traits are merged, as Segment does: a trait the call
 * leaves out keeps its value. An email, once known, stays until another replaces it.
 */
export async function identify(
  sql: Sql,
  call: { userId: string; email?: string; emailHash?: string; traits: Record<string, unknown> },
): Promise<void> {
  await sql.query(
    `insert into profiles (user_id, email, email_hash, traits, updated_at)
     values ($1, $2, $3, $4::jsonb, $5)
     on conflict (user_id) do update set
       email = coalesce(excluded.email, profiles.email),
       email_hash = coalesce(excluded.email_hash, profiles.email_hash),
       traits = profiles.traits || excluded.traits,
       updated_at = excluded.updated_at`,
    [
      call.userId,
      call.email ?? null,
      call.emailHash ?? null,
      JSON.stringify(call.traits),
      new Date().toISOString(),
    ],
  );
}

export async function profileOf(sql: Sql, userId: string): Promise<Profile | undefined> {
  const [row] = await sql.query<Row>('select * from profiles where user_id = $1', [userId]);
  return row && fromRow(row);
}

/** Every user id known for the address: an app may give one address several. */
export async function profilesWithEmail(sql: Sql, emailHash: string): Promise<Profile[]> {
  const rows = await sql.query<Row>(
    'select * from profiles where email_hash = $1 order by updated_at desc, user_id',
    [emailHash],
  );
  return rows.map(fromRow);
}

function fromRow(row: Row): Profile {
  return {
    userId: row.user_id,
    email: row.email,
    traits: row.traits,
    updatedAt: new Date(row.updated_at),
  };
}
