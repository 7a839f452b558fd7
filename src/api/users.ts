import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { eventIdSchema } from '../ingest/event';
import { userHash } from '../ingest/identity';
import { listRuns } from '../runs/list';
import { runSummarySchema } from '../runs/schemas';
import type { Store } from '../store/db';
import { eraseAddress } from '../store/erasure';
import { deliveriesOf } from '../store/ledger';
import { profileOf, profilesWithEmail } from '../store/profiles';
import { suppress, suppressionOf, unsuppress, SUPPRESSION_REASONS } from '../store/subscriptions';
import { HttpError, parseOr400 } from './errors';

/** How much of a user's history one reply holds: the latest. */
const RECENT = 50;

export const userPathSchema = z.object({
  email: z
    .string()
    .trim()
    .pipe(z.email({ error: 'must be an email address' })),
});

export const userIdPathSchema = z.object({
  userId: eventIdSchema,
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

export const userSchema = z.object({
  email: z.string(),
  profiles: z
    .array(
      z.object({
        userId: z.string(),
        traits: z.record(z.string(), z.unknown()),
        updatedAt: z.string(),
      }),
    )
    .describe('what identify calls said, by userId: usually one'),
  subscription: subscriptionSchema.omit({ email: true }),
  messages: z
    .array(
      z.object({
        workflowId: z.string(),
        nodeId: z.string(),
        channel: z.enum(['email', 'webhook']),
        reply: z.string().describe("the SMTP server's reply, or the HTTP status line"),
        deliveredAt: z.string(),
      }),
    )
    .describe(`the latest ${RECENT} sends, newest first`),
  runs: z.array(runSummarySchema).describe(`the latest ${RECENT} runs`),
});
type User = z.infer<typeof userSchema>;

export const erasedSchema = z.object({
  email: z.string(),
  profiles: z.number().describe('profiles deleted'),
  deliveries: z.number().describe('sends whose address was removed; they still count'),
});

export interface UsersDeps {
  store: Store;
  client: Client;
}

/**
 * A user by address, or by the userId identify calls gave it: profile, subscription, history;
 * and the right to erasure.
 */
export function usersRoutes({ store, client }: UsersDeps): Router {
  const subscription = async (email: string): Promise<Subscription> => {
    const s = await suppressionOf(store, userHash(email));
    const suppression = s && {
      reason: s.reason,
      source: s.source,
      suppressedAt: s.suppressedAt.toISOString(),
    };
    return { email, subscribed: !s, suppression: suppression ?? null };
  };
  const user = async (email: string): Promise<User> => {
    const hash = userHash(email);
    const [profiles, { subscribed, suppression }, sends, { runs }] = await Promise.all([
      profilesWithEmail(store, hash),
      subscription(email),
      deliveriesOf(store, hash, RECENT),
      listRuns(client, { email, pageSize: RECENT }),
    ]);
    return {
      email,
      profiles: profiles.map(({ userId, traits, updatedAt }) => ({
        userId,
        traits,
        updatedAt: updatedAt.toISOString(),
      })),
      subscription: { subscribed, suppression },
      messages: sends.map(({ workflowId, nodeId, channel, reply, deliveredAt }) => ({
        workflowId,
        nodeId,
        channel,
        reply,
        deliveredAt: deliveredAt.toISOString(),
      })),
      runs,
    };
  };
  // by-id comes first: /v1/users/:email/subscription matches /v1/users/by-id/subscription too.
  return new Router()
    .get('/v1/users/by-id/:userId', async (ctx) => {
      const { userId } = parseOr400(userIdPathSchema, ctx.params, 'path');
      const profile = await profileOf(store, userId);
      if (!profile) {
        throw new HttpError(404, `no user with userId "${userId}": identify calls make users`);
      }
      if (!profile.email) {
        throw new HttpError(
          404,
          `user "${userId}" has no email: an identify call with traits.email gives it one`,
        );
      }
      ctx.body = await user(profile.email);
    })
    .get('/v1/users/:email', async (ctx) => {
      const { email } = parseOr400(userPathSchema, ctx.params, 'path');
      ctx.body = await user(email);
    })
    .delete('/v1/users/:email', async (ctx) => {
      const { email } = parseOr400(userPathSchema, ctx.params, 'path');
      ctx.body = { email, ...(await eraseAddress(store, userHash(email))) } satisfies z.infer<
        typeof erasedSchema
      >;
    })
    .get('/v1/users/:email/subscription', async (ctx) => {
      const { email } = parseOr400(userPathSchema, ctx.params, 'path');
      ctx.body = await subscription(email);
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
      ctx.body = await subscription(email);
    });
}
