/** Starts and signals that Temporal could not take while others of their request did (../pending.ts). */
export const pending = `
create table pending_operations (
  workflow_id text not null,
  event_id text not null,
  kind text not null check (kind in ('start', 'signal')),
  flow_id text not null,
  payload jsonb not null,
  queued_at timestamptz not null,
  attempts integer not null default 0,
  due_at timestamptz not null,
  last_error text,
  primary key (workflow_id, event_id, kind)
);
create index pending_operations_due on pending_operations (due_at);
`;
