import { z } from 'zod';
import { userHash } from '../ingest/identity';
import type { Store } from '../store/db';
import { identify } from '../store/profiles';
import { suppress } from '../store/subscriptions';

const traits = z.looseObject({
  email: z.unknown().optional(),
  unsubscribed: z.unknown().optional(),
});

/** A Segment identify call; other fields are allowed and ignored. */
export const identifyCallSchema = z
  .looseObject({
    type: z.literal('identify'),
    userId: z.union([z.string(), z.number()]).optional(),
    anonymousId: z.union([z.string(), z.number()]).optional(),
    traits: traits.optional(),
    context: z.looseObject({ traits: traits.optional() }).optional(),
  })
  .describe(
    'Stores the user: its userId with traits and traits.email, so that a later track call ' +
      'with the userId alone reaches that email. traits.unsubscribed: true unsubscribes the email.',
  );

const email = z.string().trim().pipe(z.email());

/** What an identify call says of a user, kept; a call it cannot use is left alone. */
export async function recordIdentify(store: Store, call: unknown): Promise<void> {
  const parsed = identifyCallSchema.safeParse(call);
  if (!parsed.success) return;
  const { userId, context } = parsed.data;
  const given = { ...context?.traits, ...parsed.data.traits };
  const address = email.safeParse(given.email);
  const known = address.success ? { email: address.data, emailHash: userHash(address.data) } : {};
  if (userId !== undefined) {
    await identify(store, { userId: String(userId), ...known, traits: given });
  }
  if (given.unsubscribed === true && address.success) {
    await suppress(store, {
      addressHash: userHash(address.data),
      address: address.data,
      reason: 'unsubscribed',
      source: 'segment identify',
    });
  }
}
