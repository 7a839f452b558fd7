import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { closeActivities, createActivities, type ActivityDeps } from './activities';
import {
  loadConfig,
  sharedSecret,
  sharedStoreUrl,
  type Config,
  type TemporalSettings,
} from './config';
import { createLogger, temporalLogger } from './log';
import { countActions } from './metrics/actions';
import { metricSinks } from './metrics/splits';
import { workerMetrics } from './metrics/temporal';
import { openStore, type Store } from './store/db';
import { connect } from './temporal/connection';

/** Built by `npm run build`; saves bundling the workflow code at every start in production. */
export const WORKFLOW_BUNDLE = path.resolve(__dirname, '../lib/workflow-bundle.js');

export interface WorkerDeps {
  connection: NativeConnection;
  temporal: TemporalSettings;
  activities: ActivityDeps;
  store: Store;
  /** A bundle made in this process (tests), instead of bundling or reading one from disk. */
  workflowBundle?: { code: string };
  options?: Partial<WorkerOptions>;
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const workflows = deps.workflowBundle
    ? { workflowBundle: deps.workflowBundle }
    : process.env.NODE_ENV === 'production' && existsSync(WORKFLOW_BUNDLE)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE } }
      : { workflowsPath: require.resolve('./workflows') };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.temporal.namespace,
    taskQueue: deps.temporal.taskQueue,
    ...workflows,
    activities: createActivities(deps.activities, deps.store),
    interceptors: { activity: [countActions] },
    sinks: metricSinks,
    ...deps.options,
  });
}

/**
 * Where a worker of its own process sends: SMTP_URL and WEBHOOK_BASE_URL, else the mail sink
 * and webhook receiver `npm start` runs on their ports.
 */
export function sendersFrom(config: Config, secret: string): ActivityDeps {
  return {
    smtpUrl: config.mail.smtpUrl ?? `smtp://127.0.0.1:${config.mail.sinkSmtpPort}`,
    mailFrom: config.mail.from,
    webhookBaseUrl: config.webhook.baseUrl ?? `http://127.0.0.1:${config.webhook.receiverPort}`,
    publicUrl: config.publicUrl,
    secret,
  };
}

/** `npm run worker`: only the worker, for deployments that scale it apart from the API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const databaseUrl = sharedStoreUrl(config, 'npm run worker');
  const secret = sharedSecret(config, 'npm run worker');
  const log = createLogger(config.logLevel).child({ name: 'worker' });
  const metrics = workerMetrics(config.http.host, config.workerMetricsPort);
  Runtime.install({ logger: temporalLogger(log), telemetryOptions: metrics.telemetryOptions });
  const store = await openStore({ url: databaseUrl });
  const connection = await connect(config.temporal);
  const worker = await createWorker({
    connection,
    temporal: config.temporal,
    store,
    activities: { ...sendersFrom(config, secret), ...config.limits },
  });
  log.info(
    { taskQueue: config.temporal.taskQueue, metrics: metrics.url, store: store.location },
    'worker polling',
  );
  // Worker.run returns after SIGINT/SIGTERM once in-flight tasks have finished.
  await worker.run();
  closeActivities();
  await Promise.all([connection.close(), store.close()]);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
