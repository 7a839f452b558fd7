import type { Client } from '@temporalio/client';
import Koa from 'koa';
import pino, { type Logger } from 'pino';
import type { FlowIndex } from '../flows/load';
import { admit } from '../ingest/admission';
import type { Ingest } from '../ingest/ingest';
import { httpMetrics } from '../metrics/http';
import { suppressReported } from '../ingest/reportedSuppressions';
import { countRuns } from '../metrics/ingest';
import type { Store } from '../store/db';
import { requireApiKey, type Routes } from './auth';
import { jsonBody } from './body';
import { docsRoutes } from './docs';
import { errors } from './errors';
import { eventsRoutes } from './events';
import { flowsRoutes } from './flows';
import { healthRoutes } from './health';
import { allowedHosts } from './hosts';
import { metricsRoutes } from './metrics';
import { openapiRoutes } from './openapi';
import { refuseCrossSiteWrites } from './origin';
import { pageRoutes } from './page';
import { requestLog } from './requestLog';
import { runsRoutes } from './runs';
import { segmentRoutes } from './segment';
import { suppressionsRoutes } from './suppressions';
import { unsubscribeRoutes } from './unsubscribe';
import { usersRoutes } from './users';

export interface AppDeps {
  client: Client;
  /** Socktech's own data (see store/db.ts). */
  store: Store;
  /** Signs and checks unsubscribe links (see unsubscribeLink.ts). */
  secret: string;
  ingest: Ingest;
  flows: () => FlowIndex;
  /** Brings `flows` up to date at once, after a publish over the API (see flows/catalog.ts). */
  refreshFlows?: () => Promise<void>;
  /** The worker's SMTP settings, for an editor's test send. */
  mail?: { smtpUrl: string; from: string };
  /** Base URL of the Temporal Web UI, which run details link to. */
  temporalUiUrl?: string;
  logError: (err: unknown) => void;
  /** One line per request; none when absent. */
  log?: Logger;
  /** When any, every route but the open ones needs one (see auth.ts). */
  apiKeys?: string[];
  /** Host names answered besides localhost and IP addresses (see hosts.ts). */
  allowedHosts?: string[];
  /** Events on their way to Temporal at once; more are refused with 429 (see admission.ts). */
  ingestMaxInFlight?: number;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  // Counted once here, so every route that starts runs is counted.
  const admitted = admit(deps.ingest, deps.ingestMaxInFlight ?? 500);
  deps = { ...deps, ingest: countRuns(suppressReported(deps.store, admitted)) };
  app.use(requestLog(deps.log ?? pino({ enabled: false })));
  app.use(httpMetrics);
  app.use(errors(deps.logError));
  const routes: Routes = {
    keyed: [
      eventsRoutes(deps.ingest),
      segmentRoutes(deps.ingest, deps.store),
      runsRoutes(deps),
      flowsRoutes(deps),
      usersRoutes(deps),
      suppressionsRoutes(deps.store),
    ],
    // The page and what a browser, Prometheus or a load balancer fetch: none reads a run.
    open: [
      pageRoutes(),
      healthRoutes(deps.client, deps.store),
      metricsRoutes(),
      openapiRoutes(),
      docsRoutes(),
    ],
  };
  app.use(allowedHosts(deps.allowedHosts ?? []));
  // Ahead of the cross-site check, the API keys and the JSON body reader: its token is its
  // credential, and mail clients post a form to it from anywhere (RFC 8058).
  const unsubscribe = unsubscribeRoutes(deps.store, deps.secret);
  app.use(unsubscribe.routes()).use(unsubscribe.allowedMethods());
  app.use(refuseCrossSiteWrites);
  if (deps.apiKeys?.length) app.use(requireApiKey(deps.apiKeys, routes));
  app.use(jsonBody({ anyContentType: ['/v1/track', '/v1/batch'] }));
  for (const router of [...routes.keyed, ...routes.open]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
