import { randomUUID } from 'node:crypto';
import type { WorkerOptions } from '@temporalio/worker';
import { serveApi, type ServeOptions } from '../../src/api/serve';
import type { TemporalSettings } from '../../src/config';
import type { Flow } from '../../src/flows/schema';
import { buildIndex } from '../../src/flows/load';
import { clientFor } from '../../src/temporal/connection';
import { createWorker } from '../../src/worker';
import { harness } from './hooks';

export interface Socktech {
  url: string;
  taskQueue: string;
  client: ReturnType<typeof clientFor>;
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any }>;
  /** Stops the worker only, as a crash would; `startWorker` brings one back. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** A worker and an API like `npm start` runs, on a task queue of the test's own. */
export async function startSocktech(
  flows: Flow[],
  options: Partial<WorkerOptions> = {},
  apiOptions: Pick<ServeOptions, 'apiKeys' | 'log' | 'allowedHosts'> = {},
): Promise<Socktech> {
  const h = harness();
  const connection = h.env.nativeConnection;
  const temporal: TemporalSettings = { namespace: 'default', taskQueue: `test-${randomUUID()}` };
  const client = clientFor(connection, temporal);
  const index = buildIndex(flows);

  let running: { stop: () => Promise<void> } | undefined;
  const startWorker = async () => {
    const worker = await createWorker({
      connection,
      temporal,
      store: h.store,
      workflowBundle: h.workflowBundle,
      activities: {
        smtpUrl: h.mail.smtpUrl,
        mailFrom: 'test@socktech.local',
        webhookBaseUrl: h.webhooks.url,
        publicUrl: api.url,
        secret: h.secret,
      },
      options,
    });
    const run = worker.run();
    running = {
      stop: async () => {
        worker.shutdown();
        await run;
      },
    };
  };
  // The API first: its URL is the base of the unsubscribe links the worker sends.
  const api = await serveApi({
    client,
    store: h.store,
    secret: h.secret,
    flows: () => index,
    taskQueue: temporal.taskQueue,
    eagerStart: true,
    host: '127.0.0.1',
    port: 0,
    ...apiOptions,
  });
  const url = api.url;
  await startWorker();

  return {
    url,
    taskQueue: temporal.taskQueue,
    client,
    async post(path, body, headers = {}) {
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    stopWorker: async () => {
      await running?.stop();
      running = undefined;
    },
    startWorker,
    async stop() {
      await running?.stop();
      await api.close();
    },
  };
}
