import Router from '@koa/router';
import { registry } from '../metrics';

/** Prometheus scrapes this; the worker's own metrics are on WORKER_METRICS_PORT. */
export function metricsRoutes(): Router {
  return new Router().get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
}
