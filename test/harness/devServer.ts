import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDevServer, type DevServer } from '../../src/temporal/devServer';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The run's one dev server: a free port, no UI, a database in a fresh temp folder. */
export async function startTestServer(): Promise<DevServer & { address: string }> {
  const port = await freePort();
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'socktech-test-')), 'temporal.db');
  const server = await startDevServer({
    TEMPORAL_DEV_PORT: String(port),
    TEMPORAL_DEV_DB: db,
    TEMPORAL_DEV_HEADLESS: '1',
  });
  return { ...server, address: `127.0.0.1:${port}` };
}
