/** Addresses that get no marketing email (see ../subscriptions.ts). */
export const suppressions = `
create table suppressions (
  address_hash text primary key,
  address text,
  reason text not null check (reason in ('unsubscribed', 'bounced', 'complained')),
  source text not null,
  suppressed_at timestamptz not null
);
create index suppressions_by_time on suppressions (suppressed_at, address_hash);
`;
