/** Users as Segment's identify calls describe them (see ../profiles.ts). */
export const profiles = `
create table profiles (
  user_id text primary key,
  email text,
  email_hash text,
  traits jsonb not null,
  updated_at timestamptz not null
);
create index profiles_by_email on profiles (email_hash);
`;
