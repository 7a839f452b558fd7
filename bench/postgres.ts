import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** BENCH_DATABASE_URL's server, else DATABASE_URL's, else the machine's. */
export function postgresServerUrl(env = process.env): string {
  return (
    env.BENCH_DATABASE_URL ?? env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  );
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new database of the bench's own on the server, with a name no other run uses. */
export async function createBenchDatabase(serverUrl: string): Promise<BenchDatabase> {
  const name = `socktech_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: connections the bench failed to close must not keep the database.
    drop: () => onServer(serverUrl, `drop database if exists ${name} with (force)`),
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const shown = new URL(serverUrl);
    if (shown.password) shown.password = '***';
    throw new Error(
      `The bench measures Socktech on PostgreSQL too, and cannot reach it at ${shown}: ` +
        `${(err as Error).message}. Set BENCH_DATABASE_URL to a server where it may create a database.`,
      { cause: err },
    );
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
