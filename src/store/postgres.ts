import pg from 'pg';
import type { Sql, Store } from './db';

/** A PostgreSQL server through a pool; connections open on first use. */
export function openPostgres(url: string): Store {
  const pool = new pg.Pool({
    connectionString: url,
    // A database that is down or stuck should fail the request or attempt, not hang it.
    connectionTimeoutMillis: 5_000,
    query_timeout: 10_000,
  });
  // An idle connection that breaks (the server restarted) is replaced on the next query; without
  // a listener the error would end the process.
  pool.on('error', () => {});
  return {
    ...sql(pool),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(sql(client));
        await client.query('commit');
        client.release();
        return result;
      } catch (err) {
        // A connection whose rollback failed is in no state to be reused.
        await client.query('rollback').then(
          () => client.release(),
          (rollbackErr: Error) => client.release(rollbackErr),
        );
        throw err;
      }
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
    location: withoutPassword(url),
  };
}

function sql(db: pg.Pool | pg.PoolClient): Sql {
  return {
    query: async (text, params) => (await db.query(text, params)).rows,
    exec: async (text) => {
      await db.query(text);
    },
  };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
