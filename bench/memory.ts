import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildIndex } from '../src/flows/load';
import { createIngest } from '../src/ingest/ingest';
import { forkScript, stopChild } from './child';
import type { Bench } from './context';
import { newEmails } from './emails';
import { ASLEEP_EVENT, asleepFlow } from './flows';
import type { MemoryStatus, MemoryWorkerArgs } from './memoryWorker';
import { chunks, inParallel } from './pool';
import { sleep, spread, type Spread } from './stats';

export interface MemoryPoint {
  runsAsleep: number;
  rssMb: Spread;
  heapUsedMb: number;
  cachedWorkflows: number;
}

const MB = 1024 * 1024;
const TASK_QUEUE = 'bench-memory';

/** RSS of a worker process of its own, as more and more runs sleep in a delay. */
export async function workerMemory(b: Bench, bundle: { code: string }): Promise<MemoryPoint[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'socktech-bench-bundle-'));
  const bundlePath = path.join(dir, 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
  const args: MemoryWorkerArgs = {
    address: b.stack.address,
    taskQueue: TASK_QUEUE,
    bundlePath,
    activities: b.stack.activityDeps,
  };
  const { child } = await forkScript(
    path.join(__dirname, 'memoryWorker.ts'),
    [JSON.stringify(args)],
    ['--expose-gc'],
  );
  const status = (message: 'status' | 'measure' = 'status') =>
    new Promise<MemoryStatus>((resolve) => {
      child.once('message', (reply) => resolve(reply as MemoryStatus));
      child.send(message);
    });

  const index = buildIndex([await asleepFlow()]);
  const ingest = createIngest({
    client: b.stack.client,
    store: b.stack.store,
    flows: () => index,
    taskQueue: TASK_QUEUE,
    eagerStart: false,
    logError: (err) => console.error(err),
  });
  const points: MemoryPoint[] = [];
  let asleep = 0;
  try {
    for (const runs of b.sizes.asleepRuns) {
      b.progress.step(`worker memory with ${runs} runs asleep`);
      const events = newEmails(runs - asleep).map((email) => ({
        name: ASLEEP_EVENT,
        email,
        properties: {},
      }));
      await inParallel(chunks(events, 100), 4, async (batch) => {
        const results = await ingest(batch);
        if (results.some((r) => r.matched[0]?.outcome !== 'started')) {
          throw new Error('a run was not started');
        }
      });
      asleep = runs;
      await untilAsleep(status, runs);
      const readings: MemoryStatus[] = [];
      for (let rep = 0; rep < b.sizes.reps; rep++) {
        readings.push(await status('measure'));
        await sleep(300);
      }
      const last = readings[readings.length - 1];
      points.push({
        runsAsleep: runs,
        rssMb: spread(readings.map((r) => r.rssBytes / MB)),
        heapUsedMb: last.heapUsedBytes / MB,
        cachedWorkflows: last.cachedWorkflows,
      });
    }
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
  return points;
}

async function untilAsleep(status: () => Promise<MemoryStatus>, runs: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const s = await status();
    if (s.runsPastFirstAction >= runs && !s.busy) return;
    if (Date.now() > deadline) throw new Error(`only ${s.runsPastFirstAction}/${runs} runs asleep`);
    await sleep(200);
  }
}
