import Router from '@koa/router';
import { z } from 'zod';
import { eventsBodySchema } from '../ingest/event';
import type { Ingest } from '../ingest/ingest';
import { countEvents } from '../metrics/ingest';
import { parseOr400 } from './errors';
import { noteIngest } from './requestLog';

export const idempotencyKey = z.string().min(1).max(200);

export const eventsReplySchema = z.object({
  events: z.array(
    z.object({
      id: z.string().describe('the dedupe key: yours, or one assigned'),
      matched: z.array(
        z.object({
          flowId: z.string(),
          workflowId: z.string(),
          outcome: z.enum(['started', 'duplicate', 'filtered']),
          runId: z.string().optional(),
        }),
      ),
    }),
  ),
});

export function eventsRoutes(ingest: Ingest): Router {
  return new Router().post('/v1/events', countEvents('events'), async (ctx) => {
    const body: unknown = ctx.request.body;
    const header = ctx.get('Idempotency-Key');
    const events = parseOr400(eventsBodySchema, body, 'events');
    if (header) {
      if (Array.isArray(body)) {
        ctx.throw(400, 'Idempotency-Key is for a single event; give each event of a batch its id');
      }
      events[0].id ??= parseOr400(idempotencyKey, header, 'Idempotency-Key header');
    }
    const results = await ingest(events);
    noteIngest(ctx, events, results);
    ctx.status = 202;
    ctx.body = { events: results } satisfies z.infer<typeof eventsReplySchema>;
  });
}
