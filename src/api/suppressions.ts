import Router from '@koa/router';
import { z } from 'zod';
import type { Store } from '../store/db';
import {
  listSuppressions,
  SUPPRESSION_REASONS,
  type SuppressionCursor,
} from '../store/subscriptions';
import { HttpError, parseOr400 } from './errors';

export const suppressionsQuerySchema = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(1000).default(100),
  pageToken: z.string().optional().describe('the nextPageToken of the previous page'),
});

export const suppressionListSchema = z.object({
  suppressions: z.array(
    z.object({
      addressHash: z.string(),
      address: z
        .string()
        .nullable()
        .describe('null when unknown (an unsubscribe link carries only the hash) or erased'),
      reason: z.enum(SUPPRESSION_REASONS),
      source: z.string(),
      suppressedAt: z.string(),
    }),
  ),
  nextPageToken: z.string().optional().describe('absent on the last page'),
});
type SuppressionList = z.infer<typeof suppressionListSchema>;

/** Every address that gets no marketing email, oldest first. */
export function suppressionsRoutes(store: Store): Router {
  return new Router().get('/v1/suppressions', async (ctx) => {
    const { pageSize, pageToken } = parseOr400(suppressionsQuerySchema, ctx.query, 'query');
    // One more than asked tells whether another page follows.
    const cursor = pageToken === undefined ? undefined : cursorOf(pageToken);
    const rows = await listSuppressions(store, pageSize + 1, cursor);
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    ctx.body = {
      suppressions: page.map((s) => ({ ...s, suppressedAt: s.suppressedAt.toISOString() })),
      nextPageToken: rows.length > pageSize && last ? tokenOf(last) : undefined,
    } satisfies SuppressionList;
  });
}

function tokenOf({ suppressedAt, addressHash }: SuppressionCursor): string {
  return Buffer.from(JSON.stringify([suppressedAt.toISOString(), addressHash])).toString(
    'base64url',
  );
}

function cursorOf(token: string): SuppressionCursor {
  try {
    const [at, addressHash] = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown[];
    if (typeof at === 'string' && typeof addressHash === 'string' && !isNaN(Date.parse(at))) {
      return { suppressedAt: new Date(at), addressHash };
    }
  } catch {
    // Not JSON: refused below like any other foreign token.
  }
  throw new HttpError(400, 'pageToken is not a nextPageToken of GET /v1/suppressions');
}
