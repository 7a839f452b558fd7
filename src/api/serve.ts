import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { FlowIndex } from '../flows/load';
import { createIngest } from '../ingest/ingest';
import { startRelay } from '../ingest/relay';
import type { Store } from '../store/db';
import { createApp } from './app';

export interface ServeOptions {
  client: Client;
  /** Opened and closed by the caller, which may share it with a worker. */
  store: Store;
  /** Signs and checks unsubscribe links. */
  secret: string;
  flows: () => FlowIndex;
  refreshFlows?: () => Promise<void>;
  /** The worker's SMTP settings, for an editor's test send. */
  mail?: { smtpUrl: string; from: string };
  taskQueue: string;
  /** Only when the client shares its native connection with a worker in this process. */
  eagerStart: boolean;
  host: string;
  port: number;
  temporalUiUrl?: string;
  log?: Logger;
  apiKeys?: string[];
  /** Host names to answer besides localhost, IP addresses and `host` itself. */
  allowedHosts?: string[];
  ingestMaxInFlight?: number;
}

export interface Serving {
  url: string;
  close(): Promise<void>;
}

/** The HTTP API on its port: what `npm start`, `npm run api` and the tests all listen with. */
export async function serveApi(options: ServeOptions): Promise<Serving> {
  const { client, flows, taskQueue, eagerStart, host, port, log, ...rest } = options;
  const logError = (err: unknown) => (log ? log.error(err) : console.error(err));
  const ingest = createIngest({
    client,
    store: rest.store,
    flows,
    taskQueue,
    eagerStart,
    logError,
  });
  const allowedHosts = [host, ...(rest.allowedHosts ?? [])];
  const app = createApp({ ...rest, client, ingest, flows, logError, log, allowedHosts });
  const server: Server = app.listen(port, host);
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  // Starts and signals kept while Temporal was away for part of a request.
  const relay = startRelay({ client, store: rest.store, taskQueue, eagerStart, logError });
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
    },
  };
}
