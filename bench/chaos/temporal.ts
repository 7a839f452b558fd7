import { spawn, type ChildProcess } from 'node:child_process';
import { killAndWait } from '../child';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SCRIPT = path.resolve(__dirname, '../../temporal-dev.sh');

/** A Temporal dev server that can be SIGKILLed and started again on the same port and file. */
export interface ChaosTemporal {
  address: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function chaosTemporal(port: number, db: string, logFile: string): ChaosTemporal {
  const log = createWriteStream(logFile, { flags: 'a' });
  let child: ChildProcess | undefined;

  const start = () => {
    // A process group of its own: the script and the server it runs die together.
    const started = spawn(SCRIPT, ['start'], {
      detached: true,
      env: {
        ...process.env,
        TEMPORAL_DEV_PORT: String(port),
        TEMPORAL_DEV_DB: db,
        TEMPORAL_DEV_HEADLESS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stderr!.pipe(log, { end: false });
    return new Promise<void>((resolve, reject) => {
      createInterface({ input: started.stdout! }).on('line', (line) => {
        if (line === 'ready') resolve();
      });
      started.once('exit', (code) =>
        reject(new Error(`temporal-dev.sh exited with ${code}; see ${logFile}`)),
      );
    });
  };

  const signal = (name: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    return killAndWait(running, (c) => process.kill(-c.pid!, name));
  };

  return {
    address: `127.0.0.1:${port}`,
    start,
    kill: () => signal('SIGKILL'),
    stop: async () => {
      await signal('SIGTERM');
      log.end();
    },
  };
}
