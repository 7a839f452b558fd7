import { spawn, type ChildProcess } from 'node:child_process';
import { killAndWait } from '../child';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sleep } from '../stats';

const START = path.resolve(__dirname, '../../src/start.ts');
// By path: the process runs in the chaos run's folder, where `tsx` alone would not resolve.
const TSX = pathToFileURL(require.resolve('tsx')).href;
const TSCONFIG = path.resolve(__dirname, '../../tsconfig.json');

// Settings from the developer's environment would point Socktech at their services.
const THEIRS = /^(TEMPORAL_|SOCKTECH_|SMTP_|MAIL_|WEBHOOK_|HOST$|PORT$|FLOWS_DIR$|LOG_LEVEL$)/;
const inherited = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !THEIRS.test(name)));

/**
 * `npm start` (worker, API and store in one process) as a process of its own, in the chaos
 * run's data folder. Supervised as a service manager would: if it exits without being killed,
 * it is counted and started again.
 */
export interface ChaosSocktech {
  url: string;
  /** Starts it; resolves when its API answers, whether Temporal does or not. */
  start(): Promise<void>;
  kill(): Promise<void>;
  /** Exits nobody asked for. */
  crashes(): number;
  stop(): Promise<void>;
}

export function chaosSocktech(env: Record<string, string>, dir: string): ChaosSocktech {
  const url = `http://127.0.0.1:${env.PORT}`;
  const log = createWriteStream(path.join(dir, 'socktech.log'), { flags: 'a' });
  let child: ChildProcess | undefined;
  let crashes = 0;

  const start = async () => {
    // tsx inside the process rather than `npm start`'s wrappers, so that SIGKILL reaches Socktech.
    const started = spawn(process.execPath, ['--import', TSX, START], {
      cwd: dir,
      env: { ...inherited(), TSX_TSCONFIG_PATH: TSCONFIG, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout!.pipe(log, { end: false });
    started.stderr!.pipe(log, { end: false });
    started.once('exit', (code, signal) => {
      if (child !== started) return;
      crashes++;
      log.write(`\n[chaos] Socktech exited by itself (${code ?? signal}); starting it again\n`);
      void sleep(1_000).then(() => (child === started ? start() : undefined));
    });
    await untilAnswering(url, started);
  };

  const end = (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    return killAndWait(running, (c) => c.kill(signal));
  };

  return {
    url,
    start,
    kill: () => end('SIGKILL'),
    crashes: () => crashes,
    stop: async () => {
      await end('SIGTERM');
      log.end();
    },
  };
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res.status,
    () => 0,
  );

async function untilAnswering(url: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null && child.signalCode === null) {
    if ((await answers(`${url}/healthz`)) !== 0) return;
    await sleep(100);
  }
}

/** Until /healthz says 200: the API is up and reaches Temporal. */
export async function untilHealthy(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await answers(`${url}/healthz`)) !== 200) {
    if (Date.now() > deadline) throw new Error(`${url}/healthz not 200 after ${timeoutMs} ms`);
    await sleep(100);
  }
}
