/**
 * Flows as data (see ../flows.ts). Every save is a new version, so a version number is what an
 * editor's If-Match names; `json` rather than `jsonb` keeps a definition's key order as written.
 */
export const flows = `
create table flows (
  id text primary key,
  head integer not null,
  published integer,
  archived_at timestamptz,
  file_hash text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create table flow_versions (
  flow_id text not null references flows (id),
  version integer not null,
  definition json not null,
  flow json,
  rollback_of integer,
  created_by text not null,
  created_at timestamptz not null default now(),
  primary key (flow_id, version)
);
create table flow_audit (
  seq bigserial primary key,
  flow_id text not null references flows (id),
  action text not null
    check (action in ('create', 'draft', 'publish', 'rollback', 'archive', 'import')),
  version integer not null,
  actor text not null,
  at timestamptz not null default now()
);
create index flow_audit_by_flow on flow_audit (flow_id, seq);
create table flow_catalog (
  only_row boolean primary key default true check (only_row),
  stamp integer not null
);
insert into flow_catalog (stamp) values (0);
`;
