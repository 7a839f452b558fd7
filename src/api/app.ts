import { bodyParser } from '@koa/bodyparser';
import type { Client } from '@temporalio/client';
import Koa from 'koa';
import type { Ingest } from '../ingest/ingest';
import { errors } from './errors';
import { eventsRoutes } from './events';
import { healthRoutes } from './health';

export interface AppDeps {
  client: Client;
  ingest: Ingest;
  logError: (err: unknown) => void;
}

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.use(errors(deps.logError));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '1mb', encoding: 'utf-8' }));
  for (const router of [healthRoutes(deps.client), eventsRoutes(deps.ingest)]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
