import { readFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { closeActivities, createActivities, type ActivityDeps } from '../src/activities';
import { openStore } from '../src/store/db';
import { createWorker } from '../src/worker';
import { firstStartRecorder } from './recorder';
import { NAMESPACE, WORKER_OPTIONS } from './settings';

/** What the bench passes to this process. */
export interface MemoryWorkerArgs {
  address: string;
  taskQueue: string;
  bundlePath: string;
  activities: ActivityDeps;
}

export interface MemoryStatus {
  rssBytes: number;
  heapUsedBytes: number;
  cachedWorkflows: number;
  /** Runs that have done their first action (and so went on to their delay). */
  runsPastFirstAction: number;
  busy: boolean;
}

/** A Socktech worker alone in its process, so that its RSS is its own; reports on request. */
async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2]) as MemoryWorkerArgs;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: args.address });
  const store = await openStore({});
  const recorder = firstStartRecorder();
  const worker = await createWorker({
    connection,
    store,
    temporal: { namespace: NAMESPACE, taskQueue: args.taskQueue },
    activities: args.activities,
    workflowBundle: { code: readFileSync(args.bundlePath, 'utf8') },
    options: {
      ...WORKER_OPTIONS,
      activities: recorder.wrap(createActivities(args.activities, store)),
    },
  });
  process.on('message', (message) => {
    if (message === 'measure') {
      // Twice: the first pass may only queue finalizers.
      global.gc?.();
      global.gc?.();
    }
    const status = worker.getStatus();
    const reply: MemoryStatus = {
      rssBytes: process.memoryUsage().rss,
      heapUsedBytes: process.memoryUsage().heapUsed,
      cachedWorkflows: status.numCachedWorkflows,
      runsPastFirstAction: recorder.runs(),
      busy: status.numInFlightWorkflowActivations + status.numInFlightLocalActivities > 0,
    };
    process.send!(reply);
  });
  process.once('disconnect', () => worker.shutdown());
  const running = worker.run();
  process.send!('ready');
  await running;
  closeActivities();
  await Promise.all([connection.close(), store.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
