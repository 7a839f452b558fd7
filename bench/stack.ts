import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../src/activities';
import { createApp } from '../src/api/app';
import { buildIndex } from '../src/flows/load';
import type { Flow } from '../src/flows/schema';
import { createIngest } from '../src/ingest/ingest';
import { openStore, type Store } from '../src/store/db';
import { clientFor } from '../src/temporal/connection';
import { createWorker } from '../src/worker';
import type { Bundles } from './bundles';
import { recordFirstStarts, type Recorder } from './recorder';
import { NAMESPACE, WORKER_OPTIONS } from './settings';
import { baselineSide, socktechSide, type Side, type SideName } from './sides';

export interface Services {
  address: string;
  smtpUrl: string;
  webhookUrl: string;
}

export interface Stack {
  address: string;
  client: Client;
  /** The API's and the workers' store, embedded. */
  store: Store;
  sides: Record<SideName, Side>;
  apiUrl: string;
  recorder: Recorder;
  activityDeps: ActivityDeps;
  stop(): Promise<void>;
}

const TASK_QUEUES: Record<SideName, string> = {
  baseline: 'bench-baseline',
  socktech: 'bench-socktech',
};

/**
 * Both sides in this one process, as `npm start` runs Socktech: one connection shared by the
 * workers and the client (which eager start needs), the same activities and worker options.
 */
export async function startStack(
  services: Services,
  bundles: Bundles,
  flows: Flow[],
): Promise<Stack> {
  const connection = await NativeConnection.connect({ address: services.address });
  const client = clientFor(connection, { namespace: NAMESPACE, taskQueue: TASK_QUEUES.socktech });
  const activityDeps: ActivityDeps = {
    smtpUrl: services.smtpUrl,
    mailFrom: 'Bench <bench@socktech.local>',
    webhookBaseUrl: services.webhookUrl,
    publicUrl: 'http://127.0.0.1',
    secret: randomBytes(32).toString('hex'),
  };
  // Embedded and in memory, as `npm start` runs it but for the folder.
  const store = await openStore({});
  const recorder = recordFirstStarts(createActivities(activityDeps, store));

  const workers = await Promise.all([
    createWorker({
      connection,
      temporal: { namespace: NAMESPACE, taskQueue: TASK_QUEUES.socktech },
      store,
      activities: activityDeps,
      workflowBundle: bundles.socktech,
      options: { ...WORKER_OPTIONS, activities: recorder.activities },
    }),
    Worker.create({
      connection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUES.baseline,
      workflowBundle: bundles.baseline,
      ...WORKER_OPTIONS,
      activities: recorder.activities,
    }),
  ]);
  const running = workers.map((worker) => worker.run());

  const index = buildIndex(flows);
  const ingest = createIngest({
    client,
    flows: () => index,
    store,
    taskQueue: TASK_QUEUES.socktech,
    eagerStart: true,
    logError: (err) => console.error(err),
  });
  const app = createApp({
    client,
    store,
    secret: activityDeps.secret,
    ingest,
    flows: () => index,
    logError: (err) => console.error(err),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    address: services.address,
    client,
    store,
    apiUrl,
    recorder,
    activityDeps,
    sides: {
      baseline: baselineSide(client, TASK_QUEUES.baseline),
      socktech: socktechSide(apiUrl),
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
      await Promise.all([connection.close(), store.close()]);
    },
  };
}
