/** The send ledger: one row per delivered email or webhook call (see ../ledger.ts). */
export const deliveries = `
create table deliveries (
  workflow_id text not null,
  event_id text not null,
  node_id text not null,
  channel text not null check (channel in ('email', 'webhook')),
  user_hash text not null,
  address text,
  address_hash text not null,
  reply text not null,
  message_id text,
  status integer,
  started_at timestamptz not null,
  delivered_at timestamptz not null,
  primary key (workflow_id, event_id, node_id)
);
create index deliveries_by_user on deliveries (user_hash, delivered_at);
`;
