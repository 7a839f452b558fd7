import { loadConfig, sharedSecret, sharedStoreUrl } from '../config';
import { openFlowCatalog } from '../flows/catalog';
import { createLogger } from '../log';
import { openStore } from '../store/db';
import { clientFor, connect } from '../temporal/connection';
import { exposure, exposureNote } from './auth';
import { serveApi } from './serve';

/** `npm run api`: only the HTTP API, for deployments that scale it apart from the workers. */
async function main(): Promise<void> {
  const config = loadConfig();
  const access = exposure(config.http);
  const databaseUrl = sharedStoreUrl(config, 'npm run api');
  const secret = sharedSecret(config, 'npm run api');
  const log = createLogger(config.logLevel).child({ name: 'api' });
  const store = await openStore({ url: databaseUrl });
  const flows = await openFlowCatalog(store, config.flowsDir, log);
  const connection = await connect(config.temporal);
  const api = await serveApi({
    client: clientFor(connection, config.temporal),
    store,
    secret,
    flows: flows.index,
    refreshFlows: flows.refresh,
    // What the worker sends with (see worker.ts), for the editor's test send.
    mail: {
      smtpUrl: config.mail.smtpUrl ?? `smtp://127.0.0.1:${config.mail.sinkSmtpPort}`,
      from: config.mail.from,
    },
    taskQueue: config.temporal.taskQueue,
    // No worker shares this process's connection, so the server cannot hand a start to one.
    eagerStart: false,
    host: config.http.host,
    port: config.http.port,
    temporalUiUrl: config.temporal.uiUrl,
    log,
    apiKeys: config.http.apiKeys,
    allowedHosts: config.http.allowedHosts,
    ingestMaxInFlight: config.http.ingestMaxInFlight,
  });
  log.info(
    {
      url: api.url,
      access: exposureNote[access],
      flows: flows.index().all().length,
      store: store.location,
    },
    'API listening',
  );
  const stop = async () => {
    await api.close();
    flows.close();
    await Promise.all([connection.close(), store.close()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
