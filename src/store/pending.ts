import type { RunEvent, FlowRunInput } from '../workflows/definitions';
import type { Sql } from './db';

/**
 * A start or a signal Temporal could not be reached for while others of the same request went
 * through. Kept here, the request is answered as accepted and nothing stays half-started: the
 * relay (ingest/relay.ts) carries each out once Temporal answers. Both are idempotent there (a
 * start by its workflow ID, a signal by its event's id), so carrying one out twice is harmless.
 */
export type PendingOperation =
  | { kind: 'start'; workflowId: string; flowId: string; input: FlowRunInput }
  | { kind: 'signal'; workflowId: string; flowId: string; event: RunEvent };

export interface Claimed {
  operation: PendingOperation;
  /** Tries before this one. */
  attempts: number;
}

interface Row {
  kind: PendingOperation['kind'];
  workflow_id: string;
  flow_id: string;
  payload: FlowRunInput | RunEvent;
  attempts: number;
}

function eventOf(op: PendingOperation): RunEvent {
  return op.kind === 'start' ? op.input.event : op.event;
}

function key(op: PendingOperation): [string, string, string] {
  return [op.workflowId, eventOf(op).id ?? '', op.kind];
}

/** In one statement, so a request's operations are kept all or none. */
export async function queuePending(sql: Sql, ops: PendingOperation[]): Promise<void> {
  if (ops.length === 0) return;
  const now = new Date().toISOString();
  await sql.query(
    `insert into pending_operations (workflow_id, event_id, kind, flow_id, payload, queued_at, due_at)
     select w, e, k, f, p, $6, $6
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) as t(w, e, k, f, p)
     on conflict do nothing`,
    [
      ...[0, 1, 2].map((i) => ops.map((op) => key(op)[i])),
      ops.map((op) => op.flowId),
      ops.map((op) => JSON.stringify(op.kind === 'start' ? op.input : op.event)),
      now,
    ],
  );
}

/**
 * Takes up to `limit` operations that are due and makes them due again only after `leaseMs`,
 * so that another API process (or this one, if it dies) tries them again only then.
 */
export async function claimPending(sql: Sql, limit: number, leaseMs: number): Promise<Claimed[]> {
  const rows = await sql.query<Row>(
    `update pending_operations set due_at = now() + $2 * interval '1 millisecond',
       attempts = attempts + 1
     where (workflow_id, event_id, kind) in (
       select workflow_id, event_id, kind from pending_operations
       where due_at <= now() order by due_at limit $1 for update skip locked)
     returning kind, workflow_id, flow_id, payload, attempts - 1 as attempts`,
    [limit, leaseMs],
  );
  return rows.map((row) => ({
    attempts: row.attempts,
    operation:
      row.kind === 'start'
        ? {
            kind: 'start',
            workflowId: row.workflow_id,
            flowId: row.flow_id,
            input: row.payload as FlowRunInput,
          }
        : {
            kind: 'signal',
            workflowId: row.workflow_id,
            flowId: row.flow_id,
            event: row.payload as RunEvent,
          },
  }));
}

export async function completePending(sql: Sql, op: PendingOperation): Promise<void> {
  await sql.query(
    'delete from pending_operations where workflow_id = $1 and event_id = $2 and kind = $3',
    key(op),
  );
}

/** Tries it again in `afterMs`, keeping what went wrong for whoever looks. */
export async function postponePending(
  sql: Sql,
  op: PendingOperation,
  afterMs: number,
  error: string,
): Promise<void> {
  await sql.query(
    `update pending_operations set due_at = now() + $4 * interval '1 millisecond', last_error = $5
     where workflow_id = $1 and event_id = $2 and kind = $3`,
    [...key(op), afterMs, error],
  );
}

export async function countPending(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    'select count(*)::int as count from pending_operations',
  );
  return row.count;
}
