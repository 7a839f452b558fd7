import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../src/activities';
import type { Flow } from '../src/flows/schema';
import { openStore, type Store } from '../src/store/db';
import { clientFor } from '../src/temporal/connection';
import { baselineActivities } from './baseline/activities';
import type { Bundles } from './bundles';
import type { StoreName } from './context';
import { firstStartRecorder, type Recorder } from './recorder';
import { NAMESPACE, WORKER_OPTIONS } from './settings';
import { baselineSide, socktechSide, type Side, type SideName } from './sides';
import { startSocktech } from './socktech';
import { storeCpu } from './storeCpu';

export interface Services {
  address: string;
  smtpUrl: string;
  webhookUrl: string;
}

export interface Stack {
  address: string;
  client: Client;
  /** Socktech's store on PGlite, which the parts measured on one store use. */
  store: Store;
  sides: Record<SideName, Side>;
  /** Socktech's API on PGlite. */
  apiUrl: string;
  recorder: Recorder;
  activityDeps: ActivityDeps;
  /** Each Socktech's store, with its send ledger. */
  ledgers: Record<StoreName, Store>;
  /** Where each Socktech keeps its store, and whether PostgreSQL's CPU is counted. */
  storeInfo: { pglite: string; postgres: string; postgresCpuCounted: boolean };
  stop(): Promise<void>;
}

const TASK_QUEUES: Record<SideName, string> = {
  baseline: 'bench-baseline',
  socktech: 'bench-socktech',
  socktechPostgres: 'bench-socktech-postgres',
};

/**
 * Every side in this one process: one connection shared by the workers and the client (which
 * eager start needs), the same worker options. Socktech twice, each with its store and ledger:
 * PGlite in a folder on disk, as `npm start` keeps it in `.data/store`, and the PostgreSQL
 * database `postgresUrl`. The baseline has no store.
 */
export async function startStack(
  services: Services,
  bundles: Bundles,
  flows: Flow[],
  postgresUrl: string,
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
  const dataDir = mkdtempSync(path.join(tmpdir(), 'socktech-bench-store-'));
  const [pglite, postgres, postgresCpu] = await Promise.all([
    openStore({ dataDir }),
    openStore({ url: postgresUrl }),
    storeCpu(postgresUrl),
  ]);
  const recorder = firstStartRecorder();
  const socktech = (store: Store, taskQueue: string) =>
    startSocktech({
      connection,
      client,
      bundle: bundles.socktech,
      flows,
      store,
      taskQueue,
      activityDeps,
      recorder,
    });
  const [onPglite, onPostgres] = await Promise.all([
    socktech(pglite, TASK_QUEUES.socktech),
    socktech(postgres, TASK_QUEUES.socktechPostgres),
  ]);
  const baseline = await Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUES.baseline,
    workflowBundle: bundles.baseline,
    ...WORKER_OPTIONS,
    activities: recorder.wrap(baselineActivities(activityDeps)),
  });
  const baselineRunning = baseline.run();

  return {
    address: services.address,
    client,
    store: pglite,
    apiUrl: onPglite.apiUrl,
    recorder,
    activityDeps,
    ledgers: { pglite, postgres },
    storeInfo: { pglite: dataDir, postgres: postgres.location, postgresCpuCounted: !!postgresCpu },
    sides: {
      baseline: baselineSide(client, TASK_QUEUES.baseline),
      socktech: socktechSide('socktech', onPglite.apiUrl),
      socktechPostgres: socktechSide('socktechPostgres', onPostgres.apiUrl, postgresCpu?.read),
    },
    async stop() {
      baseline.shutdown();
      await Promise.all([onPglite.stop(), onPostgres.stop(), baselineRunning]);
      await Promise.all([
        connection.close(),
        pglite.close(),
        postgres.close(),
        postgresCpu?.close(),
      ]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
