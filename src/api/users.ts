import Router from '@koa/router';
import { z } from 'zod';
import { userHash } from '../ingest/identity';
import type { Store } from '../store/db';
import { suppress, suppressionOf, unsuppress, SUPPRESSION_REASONS } from '../store/subscriptions';
import { parseOr400 } from './errors';

export const userPathSchema = z.object({
  email: z
    .string()
    .trim()
    .pipe(z.email({ error: 'must be an email address' })),
});

export const subscriptionSchema = z.object({
  email: z.string(),
  subscribed: z.boolean().describe('false: no marketing email goes to this address'),
  suppression: z
    .object({
      reason: z.enum(SUPPRESSION_REASONS),
      source: z.string().describe('link, api, or the event or call that reported it'),
      suppressedAt: z.string(),
    })
    .nullable(),
});
type Subscription = z.infer<typeof subscriptionSchema>;

export const subscriptionBodySchema = z.strictObject({
  subscribed: z
    .boolean()
    .describe('false unsubscribes the address; true subscribes it again, whatever suppressed it'),
});

/** A user's subscription to marketing email, by address: read it, change it. */
export function usersRoutes(store: Store): Router {
  const read = async (email: string): Promise<Subscription> => {
    const s = await suppressionOf(store, userHash(email));
    const suppression = s && {
      reason: s.reason,
      source: s.source,
      suppressedAt: s.suppressedAt.toISOString(),
    };
    return { email, subscribed: !s, suppression: suppression ?? null };
  };
  return new Router()
    .get('/v1/users/:email/subscription', async (ctx) => {
      const { email } = parseOr400(userPathSchema, ctx.params, 'path');
      ctx.body = await read(email);
    })
    .put('/v1/users/:email/subscription', async (ctx) => {
      const { email } = parseOr400(userPathSchema, ctx.params, 'path');
      const { subscribed } = parseOr400(subscriptionBodySchema, ctx.request.body, 'body');
      const addressHash = userHash(email);
      if (subscribed) await unsuppress(store, addressHash);
      else
        await suppress(store, {
          addressHash,
          address: email,
          reason: 'unsubscribed',
          source: 'api',
        });
      ctx.body = await read(email);
    });
}
