import Router from '@koa/router';
import { z } from 'zod';
import { eventIdSchema, eventsBodySchema } from '../ingest/event';
import type { Ingest } from '../ingest/ingest';
import { deliverySchema, failedDeliverySchema, flowMatchSchema } from '../ingest/match';
import { countEvents } from '../metrics/ingest';
import { parseOr400 } from './errors';
import { noteIngest, requestLogger } from './requestLog';

export const idempotencyKey = eventIdSchema;

export const eventsReplySchema = z.object({
  events: z.array(
    z.object({
      id: z
        .string()
        .describe('the dedupe key: yours, or one derived from name, email, timestamp, properties'),
      matched: z.array(flowMatchSchema).describe('every flow whose trigger the event matched'),
      delivered: z
        .array(deliverySchema)
        .describe("this user's runs that were waiting for such an event and were handed it"),
      undelivered: z
        .array(failedDeliverySchema)
        .optional()
        .describe('runs waiting for such an event that could not be handed it: send it again'),
      queued: z
        .array(deliverySchema)
        .optional()
        .describe(
          'runs waiting for such an event that Temporal could not be reached for while the rest ' +
            'went through: kept in the store and handed it as soon as Temporal answers',
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
    for (const { id, matched, undelivered = [] } of results) {
      for (const { flowId, workflowId, reason } of matched.filter((m) => m.outcome === 'error')) {
        requestLogger(ctx).error({ event: id, flowId, workflowId, reason }, 'start failed');
      }
      for (const { flowId, workflowId, reason } of undelivered) {
        requestLogger(ctx).error({ event: id, flowId, workflowId, reason }, 'delivery failed');
      }
    }
    ctx.status = 202;
    ctx.body = { events: results } satisfies z.infer<typeof eventsReplySchema>;
  });
}
