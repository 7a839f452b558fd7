import type { Store } from './db';
import { migrations } from './migrations';

// Any constant will do, as long as nothing else in the database takes the same advisory lock.
const MIGRATION_LOCK = 0x50c7ec;

/**
 * Applies the migrations the store has not seen, in order, in one transaction. Two processes
 * starting at once on one PostgreSQL take turns on the lock: the second finds the work done.
 */
export async function migrate(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const rows = await tx.query<{ version: number }>('select version from schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    const known = migrations.at(-1)?.version ?? 0;
    if (newest > known) {
      // Forward-only: an older Socktech cannot know what a newer one changed.
      throw new Error(
        `the store's schema is at version ${newest}, but this Socktech knows versions up to ${known}: run a newer Socktech`,
      );
    }
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
  });
}
