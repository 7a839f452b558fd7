import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Sql, Store } from './db';
import { preparedQueries } from './prepared';

/**
 * PGlite: PostgreSQL compiled to WebAssembly, in this process. One process only may open a
 * folder, which is why several processes need DATABASE_URL.
 */
export async function openEmbedded(dataDir?: string): Promise<Store> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const prepared = await preparedQueries(db);
  return {
    query: prepared.query,
    exec: sql(db).exec,
    transaction: (work) =>
      db.transaction(async (tx) => {
        await prepared.planPerRun(tx);
        return work(sql(tx));
      }),
    ping: async () => {
      await db.query('select 1');
    },
    close: () => db.close(),
    location: dataDir ?? 'memory',
  };
}

function sql(db: PGlite | Transaction): Sql {
  return {
    query: async (text, params) => (await db.query<never>(text, params)).rows,
    exec: async (text) => {
      await db.exec(text);
    },
  };
}
