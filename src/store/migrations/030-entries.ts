/** Who entered each `reentry: "once"` flow, beyond Temporal's retention (see ../entries.ts). */
export const entries = `
create table flow_entries (
  flow_id text not null,
  user_hash text not null,
  entered_at timestamptz not null,
  primary key (flow_id, user_hash)
);
`;
