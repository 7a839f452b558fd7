import type { Middleware } from 'koa';
import type { Ingest } from '../ingest/ingest';
import { IngestBusyError } from '../ingest/admission';
import { TemporalUnavailableError } from '../ingest/unavailable';
import { eventsAccepted, eventsReceived, eventsRejected, runs, type Source } from '.';

/** Counts every flow match by outcome, whichever route its event came through. */
export function countRuns(ingest: Ingest): Ingest {
  return async (events) => {
    const results = await ingest(events);
    for (const { matched } of results) {
      for (const m of matched) runs.inc({ flow: m.flowId, outcome: m.outcome });
    }
    return results;
  };
}

function rejection(err: unknown): string {
  // Temporal could not be reached: the client sends it all again.
  if (err instanceof TemporalUnavailableError) return 'unavailable';
  if (err instanceof IngestBusyError) return 'busy';
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status < 500 ? 'invalid' : 'error';
}

/** For a route that takes its body of events whole or refuses it whole, as POST /v1/events. */
export const countEvents =
  (source: Source): Middleware =>
  async (ctx, next) => {
    const body: unknown = ctx.request.body;
    const count = Array.isArray(body) ? body.length : 1;
    eventsReceived.inc({ source }, count);
    try {
      await next();
      eventsAccepted.inc({ source }, count);
    } catch (err) {
      eventsRejected.inc({ source, reason: rejection(err) }, count);
      throw err;
    }
  };
