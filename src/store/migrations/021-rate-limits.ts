/**
 * Provider rate limits (see ../rateLimit.ts): one row per limit, such as `smtp`. Times are epoch
 * milliseconds as doubles, which hold them exactly and read back as numbers on both backends.
 */
export const rateLimits = `
create table rate_limits (
  key text primary key,
  next_slot double precision not null,
  sends jsonb not null
);
`;
