import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SCRIPT = path.resolve(__dirname, '../../temporal-dev.sh');

export interface DevServer {
  stop(): Promise<void>;
}

export interface ScriptRun extends DevServer {
  /** The script's process: the server runs under it. */
  pid: number;
}

/**
 * Runs `temporal-dev.sh start` (the one way Socktech starts a dev server, for `npm start` and
 * the tests alike) and resolves once the script says "ready". `env` sets its TEMPORAL_DEV_*.
 */
export function startDevServer(
  env: Record<string, string> = {},
  onLog: (line: string) => void = () => {},
): Promise<DevServer> {
  return runTemporalDev('start', env, onLog);
}

/** Runs `temporal-dev.sh <command>` and resolves once it says "ready". */
export function runTemporalDev(
  command: string,
  env: Record<string, string>,
  onLog: (line: string) => void,
): Promise<ScriptRun> {
  const child = spawn(SCRIPT, [command], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderr.push(line);
    onLog(line.replace(/^\[temporal-dev\] /, ''));
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') resolve({ pid: child.pid!, stop: () => stop(child) });
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          `temporal-dev.sh ${command} exited with ${code}:\n${stderr.slice(-20).join('\n')}`,
        ),
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
