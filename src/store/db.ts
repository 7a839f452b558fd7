import { openEmbedded } from './embedded';
import { migrate } from './migrate';
import { openPostgres } from './postgres';

export interface QueryOptions {
  /**
   * Planned once for any values instead of at every run, on PGlite (see prepared.ts). Only for
   * a statement whose best plan does not depend on its values, such as a lookup by key.
   * PostgreSQL plans the pool's unnamed statements at every run either way.
   */
  planOnce?: boolean;
}

/** Where queries run: the store itself, or one transaction of it. PostgreSQL's dialect. */
export interface Sql {
  query<Row = Record<string, unknown>>(
    text: string,
    params?: unknown[],
    options?: QueryOptions,
  ): Promise<Row[]>;
  /** Several statements and no parameters, as a migration is written. */
  exec(text: string): Promise<void>;
}

export interface Store extends Sql {
  /** Commits when `work` resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Where the data lives, fit for a log line: a folder, "memory", or the URL without password. */
  location: string;
}

/** A PostgreSQL server by URL, or the embedded one in `dataDir` (in memory when absent). */
export type StoreLocation = { url: string } | { dataDir?: string };

/** Opens the store and brings its schema up to date. */
export async function openStore(where: StoreLocation): Promise<Store> {
  const store = 'url' in where ? openPostgres(where.url) : await openEmbedded(where.dataDir);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
