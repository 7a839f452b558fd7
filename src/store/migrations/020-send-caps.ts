/**
 * Frequency caps (see ../caps.ts): the ledger learns each email's category, and a send that
 * passed its cap holds a reservation until the ledger records it. Rows from before have no
 * category: they count as marketing, the default then as now.
 */
export const sendCaps = `
alter table deliveries add column category text check (category in ('marketing', 'transactional'));
create table send_reservations (
  workflow_id text not null,
  event_id text not null,
  node_id text not null,
  user_hash text not null,
  reserved_at timestamptz not null,
  primary key (workflow_id, event_id, node_id)
);
create index send_reservations_by_user on send_reservations (user_hash, reserved_at);
`;
