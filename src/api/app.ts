import { bodyParser } from '@koa/bodyparser';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { FlowIndex } from '../flows/load';
import type { Ingest } from '../ingest/ingest';
import { errors } from './errors';
import { eventsRoutes } from './events';
import { flowsRoutes } from './flows';
import { healthRoutes } from './health';
import { pageRoutes } from './page';
import { runsRoutes } from './runs';

export interface AppDeps {
  client: Client;
  ingest: Ingest;
  flows: () => FlowIndex;
  /** Base URL of the Temporal Web UI, which run details link to. */
  temporalUiUrl?: string;
  logError: (err: unknown) => void;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.use(errors(deps.logError));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  for (const router of [
    healthRoutes(deps.client),
    eventsRoutes(deps.ingest),
    runsRoutes(deps),
    flowsRoutes(deps),
    pageRoutes(),
  ]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
