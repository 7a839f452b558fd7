import Router from '@koa/router';
import { z } from 'zod';
import { eventsBodySchema } from '../ingest/event';
import type { Ingest } from '../ingest/ingest';
import { parseOr400 } from './errors';

const idempotencyKey = z.string().min(1).max(200);

export function eventsRoutes(ingest: Ingest): Router {
  return new Router().post('/v1/events', async (ctx) => {
    const body: unknown = ctx.request.body;
    const header = ctx.get('Idempotency-Key');
    const events = parseOr400(eventsBodySchema, body, 'events');
    if (header) {
      if (Array.isArray(body)) {
        ctx.throw(400, 'Idempotency-Key is for a single event; give each event of a batch its id');
      }
      events[0].id ??= parseOr400(idempotencyKey, header, 'Idempotency-Key header');
    }
    ctx.status = 202;
    ctx.body = { events: await ingest(events) };
  });
}
