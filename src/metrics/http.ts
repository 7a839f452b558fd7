import type { Middleware } from 'koa';
import { httpDuration } from '.';

/** Latency by route pattern, not by path: one series per route, whatever the ids in URLs. */
export const httpMetrics: Middleware = async (ctx, next) => {
  const end = httpDuration.startTimer({ method: ctx.method });
  try {
    await next();
  } finally {
    const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
    end({ route: route ? String(route) : 'other', status: String(ctx.status) });
  }
};
