import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** The machine's PostgreSQL (trust auth); TEST_POSTGRES_URL points the tests elsewhere. */
const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const created: string[] = [];
let shared: Promise<string> | undefined;

/** The test run's own database: created on first use, dropped when the run ends. */
export function postgresUrl(): Promise<string> {
  shared ??= freshPostgresDatabase();
  return shared;
}

/** Another new, empty database, for a test that needs one to itself; dropped with the rest. */
export async function freshPostgresDatabase(): Promise<string> {
  const name = `socktech_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await onServer(`create database ${name}`);
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabases(): Promise<void> {
  // FORCE: a worker process killed by a test may have left its connections behind.
  for (const name of created.splice(0))
    await onServer(`drop database if exists ${name} with (force)`);
  shared = undefined;
}

async function onServer(statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
