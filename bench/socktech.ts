import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../src/activities';
import { createApp } from '../src/api/app';
import { buildIndex } from '../src/flows/load';
import type { Flow } from '../src/flows/schema';
import { createIngest } from '../src/ingest/ingest';
import type { Store } from '../src/store/db';
import { createWorker } from '../src/worker';
import type { Recorder } from './recorder';
import { NAMESPACE, WORKER_OPTIONS } from './settings';

export interface SocktechDeps {
  connection: NativeConnection;
  client: Client;
  bundle: { code: string };
  flows: Flow[];
  store: Store;
  taskQueue: string;
  activityDeps: ActivityDeps;
  recorder: Recorder;
}

export interface Socktech {
  apiUrl: string;
  stop(): Promise<void>;
}

/** Socktech's worker and API on one store, as `npm start` runs them: one process, one connection. */
export async function startSocktech(d: SocktechDeps): Promise<Socktech> {
  const worker = await createWorker({
    connection: d.connection,
    temporal: { namespace: NAMESPACE, taskQueue: d.taskQueue },
    store: d.store,
    activities: d.activityDeps,
    workflowBundle: d.bundle,
    options: {
      ...WORKER_OPTIONS,
      activities: d.recorder.wrap(createActivities(d.activityDeps, d.store)),
    },
  });
  const running = worker.run();
  const index = buildIndex(d.flows);
  const ingest = createIngest({
    client: d.client,
    flows: () => index,
    store: d.store,
    taskQueue: d.taskQueue,
    eagerStart: true,
    logError: (err) => console.error(err),
  });
  const app = createApp({
    client: d.client,
    store: d.store,
    secret: d.activityDeps.secret,
    ingest,
    flows: () => index,
    logError: (err) => console.error(err),
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await running;
    },
  };
}
