import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { IncomingEvent } from '../ingest/event';
import { userHash } from '../ingest/identity';
import type { EventResult } from '../ingest/ingest';

// An incoming id is kept only when it is plain enough to go into a header and a log line.
const plainId = /^[\w.:+=/-]{1,200}$/;

interface Ingested {
  users: string[];
  workflowIds: string[];
}

interface RequestLog {
  log: Logger;
  reqId: string;
  child?: Logger;
}

/**
 * One line per request, tagged with a request id (the caller's `X-Request-Id`, else a new one,
 * echoed in the reply). Paths only: a query string may carry an email address.
 */
export const requestLog =
  (log: Logger): Middleware =>
  async (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const reqId = plainId.test(given) ? given : randomUUID();
    ctx.set('X-Request-Id', reqId);
    ctx.state.requestLog = { log, reqId } satisfies RequestLog;
    const started = performance.now();
    await next();
    const at = level(ctx.method, ctx.status);
    // Nothing is built for a line the level leaves out: at info, every read the page polls.
    if (!log.isLevelEnabled(at)) return;
    const params = (ctx as { params?: Record<string, string> }).params;
    const ingested: Ingested = ctx.state.ingested?.() ?? { users: [], workflowIds: [] };
    const workflowIds = params?.workflowId ? [params.workflowId] : ingested.workflowIds;
    requestLogger(ctx)[at](
      {
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        ms: elapsed(started),
        ...oneOrMany('user', ingested.users),
        ...oneOrMany('workflowId', workflowIds),
      },
      `${ctx.method} ${ctx.path} ${ctx.status}`,
    );
  };

/**
 * The request's logger, which tags every line with the request id. Made when first asked for:
 * most requests log only their own line, and none when the level leaves it out.
 */
export function requestLogger(ctx: Context): Logger {
  const state: RequestLog = ctx.state.requestLog;
  state.child ??= state.log.child({ reqId: state.reqId });
  return state.child;
}

/** Puts an ingest request's users (hashed, never an email) and runs into its log line. */
export function noteIngest(ctx: Context, events: IncomingEvent[], results: EventResult[]): void {
  // Worked out only for a line that is written.
  ctx.state.ingested = () => ({
    users: [...new Set(events.map((e) => userHash(e.email)))],
    workflowIds: results.flatMap((r) =>
      r.matched.filter((m) => m.outcome !== 'filtered').map((m) => m.workflowId),
    ),
  });
}

// The page polls its reads every second: they would drown the writes at info.
function level(method: string, status: number): 'error' | 'info' | 'debug' {
  if (status >= 500) return 'error';
  return method === 'GET' && status < 400 ? 'debug' : 'info';
}

function oneOrMany(name: string, values: string[]): Record<string, string | string[]> {
  if (values.length === 0) return {};
  return values.length === 1 ? { [name]: values[0] } : { [`${name}s`]: values };
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
