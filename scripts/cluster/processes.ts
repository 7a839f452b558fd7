import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface NodeProcess {
  child: ChildProcess;
  /** What the process said when it was ready: its log line, parsed. */
  ready: { msg: string; url?: string };
  /** Signals it and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `npm run worker`, started as npm would, ready once it polls its task queue. */
export const spawnWorker = (env: Record<string, string>) =>
  spawnScript('src/worker.ts', env, 'worker polling');

export type ApiProcess = NodeProcess & { url: string };

/** `npm run api` on a free port (PORT=0 unless set), ready once it listens at `url`. */
export async function spawnApi(env: Record<string, string>): Promise<ApiProcess> {
  const api = await spawnScript('src/api/main.ts', { PORT: '0', ...env }, 'API listening');
  return { ...api, url: String(api.ready.url) };
}

/**
 * Runs a TypeScript entry point of this repository in a process of its own and resolves once
 * it logs a JSON line whose `msg` is `readyMsg`. Its other output is dropped; stderr shows.
 */
export function spawnScript(
  entry: string,
  env: Record<string, string>,
  readyMsg: string,
): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const ready = parse(line);
      if (ready?.msg === readyMsg) resolve({ child, ready, stop: (signal) => stop(child, signal) });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${entry} exited with ${code ?? signal} before it was ready`)),
    );
  });
}

function parse(line: string): { msg: string; url?: string } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
