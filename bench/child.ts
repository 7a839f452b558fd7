import { fork, type ChildProcess } from 'node:child_process';

/** Runs a bench script in a child process with an IPC channel; resolves with its first message. */
export function forkScript<T>(
  script: string,
  args: string[] = [],
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; first: T }> {
  // tsx explicitly, so that it works under mocha (tsx/cjs) as well as under the tsx CLI; its
  // stdout is not ours to print on (MailDev announces itself there).
  const child = fork(script, args, {
    execArgv: ['--import', 'tsx', ...nodeArgs],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (first) => resolve({ child, first: first as T }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Disconnects (the child's signal to close) and waits for it to exit. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.disconnect();
  });
}

/** Signals a process with `kill` unless it has ended already; resolves when it has exited. */
export function killAndWait(child: ChildProcess | undefined, kill: (c: ChildProcess) => void) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    kill(child);
  });
}
