import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../temporal-dev.sh');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface DevServer {
  address: string;
  stop(): Promise<void>;
}

/**
 * One dev server per test run, through the same script `npm start` uses, so the tests see the
 * search attributes and retention a user gets. Its database lives in a fresh temp folder.
 */
export async function startDevServer(): Promise<DevServer> {
  const port = await freePort();
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'socktech-test-')), 'temporal.db');
  const child = spawn(SCRIPT, ['start'], {
    env: { ...process.env, TEMPORAL_DEV_PORT: String(port), TEMPORAL_DEV_DB: db, TEMPORAL_DEV_HEADLESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (/^ready$/m.test(chunk.toString())) resolve();
    });
    child.once('exit', (code) => reject(new Error(`temporal-dev.sh exited (${code}):\n${stderr}`)));
  });
  return { address: `127.0.0.1:${port}`, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
