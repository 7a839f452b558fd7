import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevServer } from '../src/temporal/devServer';
import { freePort } from '../test/harness/devServer';

export interface BenchServer {
  address: string;
  stop(): Promise<void>;
}

// In memory (tmpfs) where there is one: on a disk, every write the server makes waits for an
// fsync, and both sides would measure the disk rather than Temporal or Socktech.
const DB_PARENT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

/** The bench's own dev server: a free port, no UI, a database in a fresh temp folder. */
export async function startServer(): Promise<BenchServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(DB_PARENT, 'socktech-bench-'));
  const server = await startDevServer({
    TEMPORAL_DEV_PORT: String(port),
    TEMPORAL_DEV_DB: path.join(dir, 'temporal.db'),
    TEMPORAL_DEV_HEADLESS: '1',
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What temporal-dev.sh passes to the dev server, read from the script so it cannot drift. */
export function devServerFlags(): string[] {
  const script = readFileSync(path.resolve(__dirname, '../temporal-dev.sh'), 'utf8');
  const version = /TEMPORAL_CLI_VERSION=(\S+)/.exec(script)?.[1] ?? 'unknown';
  const dynamic = [...script.matchAll(/--dynamic-config-value (\S+)/g)].map((m) => m[1]);
  return [`temporal CLI ${version}`, `sqlite file database in ${DB_PARENT}`, ...dynamic];
}
