import pg from 'pg';
import { processes } from './cpu';

export interface StoreCpu {
  /** CPU time, ms, the server has spent so far on the database's other connections. */
  read(): Promise<number>;
  close(): Promise<void>;
}

const LOCAL_HOSTS = ['', 'localhost', '127.0.0.1', '[::1]'];

/**
 * What the PostgreSQL server behind `url` spends on Socktech's connections to its database: the
 * bench's process does not see that CPU, and PGlite's is in the process. Each connection is a
 * server process, read from /proc, so only for a server on this machine (else undefined). A
 * connection that closed keeps counting what it had spent when last read.
 */
export async function storeCpu(url: string): Promise<StoreCpu | undefined> {
  if (!LOCAL_HOSTS.includes(new URL(url).hostname)) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const spent = new Map<number, number>();
  return {
    async read() {
      const { rows } = await client.query<{ pid: number }>(
        'select pid from pg_stat_activity ' +
          'where datname = current_database() and pid <> pg_backend_pid()',
      );
      const pids = new Set(rows.map((r) => r.pid));
      for (const p of processes()) {
        if (pids.has(p.pid)) spent.set(p.pid, Math.max(spent.get(p.pid) ?? 0, p.cpuMs));
      }
      return [...spent.values()].reduce((sum, ms) => sum + ms, 0);
    },
    close: () => client.end(),
  };
}
