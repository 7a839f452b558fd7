import type { Category } from '../flows/schema';
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

export async function findDelivery(sql: Sql, key: DeliveryKey): Promise<Delivery | undefined> {
  const [row] = await sql.query<Row>(
    'select * from deliveries where workflow_id = $1 and event_id = $2 and node_id = $3',
    [key.workflowId, key.eventId, key.nodeId],
  );
  return row && fromRow(row);
}

/** The first record of a key stands: a later one for the same key is dropped. */
export async function recordDelivery(sql: Sql, d: Delivery): Promise<void> {
  await sql.query(
    `insert into deliveries (workflow_id, event_id, node_id, channel, user_hash, address,
       address_hash, reply, message_id, status, started_at, delivered_at, category)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict do nothing`,
    [
      d.workflowId,
      d.eventId,
      d.nodeId,
      d.channel,
      d.userHash,
      d.address,
      d.addressHash,
      d.reply,
      d.messageId ?? null,
      d.status ?? null,
      d.startedAt.toISOString(),
      d.deliveredAt.toISOString(),
      d.category ?? null,
    ],
  );
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
