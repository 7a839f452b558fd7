import type { Category } from '../flows/schema';
import { batchedPerSql } from './batch';
import type { Sql } from './db';

/**
 * One send of one run: the event that started the journey is part of the key, because a flow
 * with `reentry: "after-exit"` gives the next journey of the same user the same workflow ID.
 */
export interface DeliveryKey {
  workflowId: string;
  /** Empty for runs started before every event had an id. */
  eventId: string;
  nodeId: string;
}

export interface Delivery extends DeliveryKey {
  channel: 'email' | 'webhook';
  /** An email's: marketing ones count towards frequency caps. */
  category?: Category;
  /** The hash of the run's user (see ingest/identity.ts): whose history this row is part of. */
  userHash: string;
  /** The recipient of an email, or the user a webhook call was about; null once erased. */
  address: string | null;
  /** Kept after erasure, so the send still counts for the address. */
  addressHash: string;
  /** What the provider answered: the SMTP server's reply, or the HTTP status line. */
  reply: string;
  messageId?: string;
  status?: number;
  startedAt: Date;
  deliveredAt: Date;
}

interface Row {
  workflow_id: string;
  event_id: string;
  node_id: string;
  channel: Delivery['channel'];
  category: Category | null;
  user_hash: string;
  address: string | null;
  address_hash: string;
  reply: string;
  message_id: string | null;
  status: number | null;
  started_at: Date;
  delivered_at: Date;
}

// Many sends run at once (a worker runs up to 100 local activities): their lookups, and their
// records, share a statement each (see batch.ts) instead of a round trip and a commit apiece.
const MAX_BATCH = 500;
const lookup = batchedPerSql(findDeliveries, MAX_BATCH);
const record = batchedPerSql(recordDeliveries, MAX_BATCH);

export function findDelivery(sql: Sql, key: DeliveryKey): Promise<Delivery | undefined> {
  return lookup(sql, key);
}

/** The first record of a key stands: a later one for the same key is dropped. */
export function recordDelivery(sql: Sql, d: Delivery): Promise<void> {
  return record(sql, d);
}

const keyOf = (k: DeliveryKey) => JSON.stringify([k.workflowId, k.eventId, k.nodeId]);

async function findDeliveries(sql: Sql, keys: DeliveryKey[]): Promise<(Delivery | undefined)[]> {
  // Alone (an idle worker), the plain statement, planned once for any key; a batch's join of
  // its keys is planned at each run (see prepared.ts).
  const rows =
    keys.length === 1
      ? await sql.query<Row>(
          'select * from deliveries where workflow_id = $1 and event_id = $2 and node_id = $3',
          [keys[0].workflowId, keys[0].eventId, keys[0].nodeId],
          { planOnce: true },
        )
      : await sql.query<Row>(
          `select d.* from deliveries d
           join unnest($1::text[], $2::text[], $3::text[]) k (workflow_id, event_id, node_id)
             using (workflow_id, event_id, node_id)`,
          [keys.map((k) => k.workflowId), keys.map((k) => k.eventId), keys.map((k) => k.nodeId)],
        );
  const found = new Map(rows.map(fromRow).map((d) => [keyOf(d), d]));
  return keys.map((k) => found.get(keyOf(k)));
}

const COLUMNS = `workflow_id, event_id, node_id, channel, user_hash, address, address_hash, reply,
  message_id, status, started_at, delivered_at, category`;

// In the order they came: of two records of one key in a batch, the first stands.
async function recordDeliveries(sql: Sql, ds: Delivery[]): Promise<void[]> {
  const columns = [
    ds.map((d) => d.workflowId),
    ds.map((d) => d.eventId),
    ds.map((d) => d.nodeId),
    ds.map((d) => d.channel),
    ds.map((d) => d.userHash),
    ds.map((d) => d.address),
    ds.map((d) => d.addressHash),
    ds.map((d) => d.reply),
    ds.map((d) => d.messageId ?? null),
    ds.map((d) => d.status ?? null),
    ds.map((d) => d.startedAt.toISOString()),
    ds.map((d) => d.deliveredAt.toISOString()),
    ds.map((d) => d.category ?? null),
  ];
  if (ds.length === 1) {
    await sql.query(
      `insert into deliveries (${COLUMNS})
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       on conflict do nothing`,
      columns.map(([value]) => value),
      { planOnce: true },
    );
  } else {
    await sql.query(
      `insert into deliveries (${COLUMNS})
       select ${COLUMNS} from unnest($1::text[], $2::text[], $3::text[], $4::text[],
         $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int[],
         $11::timestamptz[], $12::timestamptz[], $13::text[])
         with ordinality as sends (${COLUMNS}, n)
       order by n
       on conflict do nothing`,
      columns,
      { planOnce: true },
    );
  }
  return ds.map(() => undefined);
}

/** A user's sends, newest first: the "messages sent" of their profile. */
export async function deliveriesOf(sql: Sql, userHash: string, limit: number): Promise<Delivery[]> {
  const rows = await sql.query<Row>(
    'select * from deliveries where user_hash = $1 order by delivered_at desc limit $2',
    [userHash, limit],
  );
  return rows.map(fromRow);
}

/** The address last sent to under this hash, while it is not erased. */
export async function lastAddressOf(sql: Sql, addressHash: string): Promise<string | null> {
  const [row] = await sql.query<{ address: string }>(
    `select address from deliveries where address_hash = $1 and address is not null
     order by delivered_at desc limit 1`,
    [addressHash],
  );
  return row?.address ?? null;
}

function fromRow(row: Row): Delivery {
  return {
    workflowId: row.workflow_id,
    eventId: row.event_id,
    nodeId: row.node_id,
    channel: row.channel,
    ...(row.category !== null && { category: row.category }),
    userHash: row.user_hash,
    address: row.address,
    addressHash: row.address_hash,
    reply: row.reply,
    messageId: row.message_id ?? undefined,
    status: row.status ?? undefined,
    startedAt: new Date(row.started_at),
    deliveredAt: new Date(row.delivered_at),
  };
}
