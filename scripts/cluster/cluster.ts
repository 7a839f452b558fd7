import { createServer } from 'node:net';
import { Client } from 'pg';
import { runTemporalDev } from '../../src/temporal/devServer';

export interface ClusterOptions {
  /** The frontend's gRPC port; the server's other ports are the next few, and +10 to +30. */
  port: number;
  /** Its database; visibility's is this name with `_visibility`. */
  db: string;
  onLog?: (line: string) => void;
}

export interface Cluster {
  address: string;
  /** The script's process: the server runs under it. */
  pid: number;
  stop(): Promise<void>;
}

// The server's ports, as offsets from the frontend's: temporal.yaml and temporal-dev.sh say so.
const PORT_OFFSETS = [0, 1, 2, 3, 10, 11, 12, 13, 20, 30];

/**
 * A frontend port whose every companion port is free, below Linux's ephemeral range so that no
 * outgoing connection takes one of them meanwhile.
 */
export async function freeClusterPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + 100 * Math.floor(Math.random() * 100);
    const free = await Promise.all(PORT_OFFSETS.map((offset) => isFree(port + offset)));
    if (free.every(Boolean)) return port;
  }
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Runs `temporal-dev.sh cluster` and resolves once it says "ready". */
export async function startCluster({
  port,
  db,
  onLog = () => {},
}: ClusterOptions): Promise<Cluster> {
  const { pid, stop } = await runTemporalDev(
    'cluster',
    { TEMPORAL_CLUSTER_PORT: String(port), TEMPORAL_CLUSTER_DB: db },
    onLog,
  );
  return { address: `127.0.0.1:${port}`, pid, stop };
}

/** Drops a cluster's two databases, for a test or a bench that made them for itself. */
export async function dropClusterDatabases(db: string): Promise<void> {
  const client = new Client({
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    password: process.env.PGPASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    for (const name of [db, `${db}_visibility`]) {
      await client.query(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await client.end();
  }
}
