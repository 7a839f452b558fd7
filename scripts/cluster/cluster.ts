import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

const SCRIPT = path.resolve(__dirname, '../../temporal-dev.sh');

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
export function startCluster({ port, db, onLog = () => {} }: ClusterOptions): Promise<Cluster> {
  const child = spawn(SCRIPT, ['cluster'], {
    env: { ...process.env, TEMPORAL_CLUSTER_PORT: String(port), TEMPORAL_CLUSTER_DB: db },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    onLog(line.replace(/^\[temporal-dev\] /, ''));
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line !== 'ready') return;
      resolve({ address: `127.0.0.1:${port}`, pid: child.pid!, stop: () => stop(child) });
    });
    child.once('exit', (code) =>
      reject(
        new Error(`temporal-dev.sh cluster exited with ${code}:\n${stderr.slice(-20).join('\n')}`),
      ),
    );
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
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
