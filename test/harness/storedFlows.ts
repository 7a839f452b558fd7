import { serveApi, type ServeOptions } from '../../src/api/serve';
import { openCatalog, type FlowCatalog } from '../../src/flows/catalog';
import { openStore, type Store } from '../../src/store/db';
import { harness } from './hooks';
import { startSocktech, type Socktech } from './socktech';

export interface StoredSocktech {
  url: string;
  /** A store of its own, in memory: flows created here are seen nowhere else. */
  store: Store;
  catalog: FlowCatalog;
  /** The worker (and a static API, unused) on the task queue this API starts runs on. */
  socktech: Socktech;
  stop(): Promise<void>;
}

/** The API as `npm start` serves it: flows from the store, with the worker's SMTP settings. */
export async function startStoredSocktech(
  apiOptions: Pick<ServeOptions, 'apiKeys'> = {},
): Promise<StoredSocktech> {
  const h = harness();
  const [store, socktech] = await Promise.all([openStore({}), startSocktech([])]);
  const catalog = await openCatalog(store, { pollMs: 100 });
  const api = await serveApi({
    client: socktech.client,
    store,
    secret: h.secret,
    flows: catalog.index,
    refreshFlows: catalog.refresh,
    mail: { smtpUrl: h.mail.smtpUrl, from: 'editor@socktech.local' },
    taskQueue: socktech.taskQueue,
    eagerStart: true,
    host: '127.0.0.1',
    port: 0,
    ...apiOptions,
  });
  return {
    url: api.url,
    store,
    catalog,
    socktech,
    async stop() {
      await api.close();
      catalog.close();
      await socktech.stop();
      await store.close();
    },
  };
}
