import { Runtime } from '@temporalio/worker';
import { closeActivities } from './activities';
import { exposure, exposureNote } from './api/auth';
import { serveApi } from './api/serve';
import { loadConfig } from './config';
import { startMailSink } from './devservices/mailSink';
import { startWebhookReceiver } from './devservices/webhookReceiver';
import { openFlowCatalog } from './flows/catalog';
import { createLogger, temporalLogger } from './log';
import { workerMetrics } from './metrics/temporal';
import { secretOf } from './secret';
import { openStore } from './store/db';
import { clientFor, connect } from './temporal/connection';
import { startDevServer } from './temporal/devServer';
import { createWorker } from './worker';

/**
 * `npm start`: everything in one process with embedded defaults. Whatever the environment
 * configures (TEMPORAL_ADDRESS, SMTP_URL, WEBHOOK_BASE_URL) replaces the local stand-in.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const access = exposure(config.http);
  const log = createLogger(config.logLevel, true);
  const closers: Array<() => Promise<unknown> | void> = [];
  const shutdown = async (code: number) => {
    for (const close of closers.reverse()) await close();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  const { url, dataDir } = config.store;
  const store = await openStore(url ? { url } : { dataDir });
  closers.push(() => store.close());
  const flows = await openFlowCatalog(store, config.flowsDir, log);
  closers.push(() => flows.close());
  const secret = await secretOf(config);

  const urls: [string, string][] = [];
  if (!config.temporal.address) {
    const temporalLog = log.child({ name: 'temporal' });
    const devServer = await startDevServer({}, (line) => temporalLog.info(line));
    closers.push(() => devServer.stop());
    urls.push(['Temporal Web UI', 'http://127.0.0.1:8233']);
  }
  const temporalUi =
    config.temporal.uiUrl ?? (config.temporal.address ? undefined : 'http://127.0.0.1:8233');

  let smtpUrl = config.mail.smtpUrl;
  if (!smtpUrl) {
    const sink = await startMailSink({
      smtpPort: config.mail.sinkSmtpPort,
      webPort: config.mail.sinkWebPort,
    });
    closers.push(() => sink.close());
    smtpUrl = sink.smtpUrl;
    urls.push(['Mail inbox', sink.webUrl]);
  }
  let webhookBaseUrl = config.webhook.baseUrl;
  if (!webhookBaseUrl) {
    const receiver = await startWebhookReceiver({ port: config.webhook.receiverPort });
    closers.push(() => receiver.close());
    webhookBaseUrl = receiver.url;
    urls.push(['Webhook receiver', `${receiver.url}/_requests`]);
  }

  const metrics = workerMetrics(config.http.host, config.workerMetricsPort);
  // Shutdown is ours (closers, in order), not the SDK's default signal handling.
  Runtime.install({
    logger: temporalLogger(log.child({ name: 'worker' }, { level: 'warn' })),
    shutdownSignals: [],
    telemetryOptions: metrics.telemetryOptions,
  });
  const connection = await connect(config.temporal);
  const worker = await createWorker({
    connection,
    temporal: config.temporal,
    store,
    activities: {
      smtpUrl,
      mailFrom: config.mail.from,
      webhookBaseUrl,
      publicUrl: config.publicUrl,
      secret,
      ...config.limits,
    },
  });
  const workerDone = worker.run();
  closers.push(async () => {
    worker.shutdown();
    await workerDone;
    closeActivities();
  });

  const api = await serveApi({
    client: clientFor(connection, config.temporal),
    store,
    secret,
    flows: flows.index,
    refreshFlows: flows.refresh,
    mail: { smtpUrl, from: config.mail.from },
    taskQueue: config.temporal.taskQueue,
    eagerStart: true,
    host: config.http.host,
    port: config.http.port,
    temporalUiUrl: temporalUi,
    log: log.child({ name: 'api' }),
    apiKeys: config.http.apiKeys,
    allowedHosts: config.http.allowedHosts,
    ingestMaxInFlight: config.http.ingestMaxInFlight,
  });
  closers.push(() => api.close());

  const rows: [string, string][] = [
    ['Page', `${api.url}/`],
    ['API', `${api.url}/v1/events`],
    ['API access', exposureNote[access]],
    ['API reference', `${api.url}/docs`],
    ['Metrics', `${api.url}/metrics`],
    ['Worker metrics', metrics.url],
    ['Store', store.location],
    ...urls,
    [
      'Temporal',
      `${config.temporal.address ?? '127.0.0.1:7233'} (namespace ${config.temporal.namespace})`,
    ],
  ];
  if (temporalUi && !urls.some(([name]) => name === 'Temporal Web UI'))
    rows.push(['Temporal Web UI', temporalUi]);
  const width = Math.max(...rows.map(([name]) => name.length));
  const block = rows.map(([name, url]) => `  ${name.padEnd(width)}  ${url}`).join('\n');
  process.stdout.write(`\nSocktech is ready.\n${block}\n\nCtrl-C stops everything.\n\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
