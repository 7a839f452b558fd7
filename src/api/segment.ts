import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { eventSchema, MAX_BATCH, type IncomingEvent } from '../ingest/event';
import type { Ingest } from '../ingest/ingest';
import type { Store } from '../store/db';
import { profileOf } from '../store/profiles';
import { eventsAccepted, eventsReceived, eventsRejected } from '../metrics';
import { describeIssues, HttpError, parseOr400 } from './errors';
import { identifyCallSchema, recordIdentify } from './identify';
import { noteIngest, requestLogger } from './requestLog';

// Segment's own limits, so its libraries (which split batches by them) never meet a 413.
const MAX_CALL_BYTES = 32 * 1024;
const MAX_BATCH_BYTES = 500 * 1024;

const traits = z.looseObject({ email: z.unknown().optional() });

/** A Segment track call; other fields (integrations, _metadata, ...) are allowed and ignored. */
export const trackCallSchema = z
  .looseObject({
    type: z.literal('track').optional(),
    event: z.string().describe('the event name that triggers flows'),
    userId: z.union([z.string(), z.number()]).optional(),
    anonymousId: z.union([z.string(), z.number()]).optional(),
    messageId: z.string().optional().describe("the dedupe key: the event's id"),
    properties: z.record(z.string(), z.unknown()).optional(),
    context: z.looseObject({ traits: traits.optional() }).optional(),
    traits: traits.optional(),
    timestamp: z.string().optional(),
  })
  .refine((c) => c.userId !== undefined || c.anonymousId !== undefined, {
    message: 'userId or anonymousId is required',
    path: ['userId'],
  })
  .describe(
    'The email is context.traits.email, else properties.email, else traits.email. ' +
      'A call without one, or not valid, is dropped and counted; the request still succeeds.',
  );

const otherCallSchema = z
  .looseObject({ type: z.enum(['page', 'screen', 'group', 'alias']) })
  .describe('accepted, counted and ignored');

/** The envelope is checked whole; its calls one by one, as in `segmentRoutes`. */
export const batchBodySchema = z.looseObject({
  batch: z.array(z.union([trackCallSchema, identifyCallSchema, otherCallSchema])).max(MAX_BATCH),
});
const envelopeSchema = z.looseObject({ batch: z.array(z.unknown()).max(MAX_BATCH) });

/** What Segment answers; its libraries look only at the status. */
export const segmentReplySchema = z.object({ success: z.literal(true) });

/**
 * Segment's HTTP tracking API, for apps already instrumented with a Segment library: track
 * calls become events for `ingest`. As with Segment, a call that cannot be used is dropped
 * (counted, logged) and the request still succeeds, so one bad call never loses a batch.
 */
export function segmentRoutes(ingest: Ingest, store: Store): Router {
  const accept = async (ctx: Context, calls: unknown[]) => {
    const events = (await Promise.all(calls.map((call) => asEvent(ctx, store, call)))).flat();
    try {
      if (events.length) noteIngest(ctx, events, await ingest(events));
    } catch (err) {
      eventsRejected.inc({ source: 'segment', reason: 'error' }, events.length);
      throw err;
    }
    eventsAccepted.inc({ source: 'segment' }, events.length);
    ctx.body = { success: true } satisfies z.infer<typeof segmentReplySchema>;
  };
  return new Router()
    .post('/v1/track', async (ctx) => {
      limit(ctx.request.rawBody, MAX_CALL_BYTES, 'a call');
      eventsReceived.inc({ source: 'segment' });
      await accept(ctx, [ctx.request.body]);
    })
    .post('/v1/batch', async (ctx) => {
      limit(ctx.request.rawBody, MAX_BATCH_BYTES, 'a batch');
      const { batch } = parseOr400(envelopeSchema, ctx.request.body, 'batch');
      for (const call of batch) limit(JSON.stringify(call), MAX_CALL_BYTES, 'a call');
      eventsReceived.inc({ source: 'segment' }, batch.length);
      const typed = (type: string) =>
        batch.filter((call) => (call as { type?: unknown })?.type === type);
      // Before the tracks, so that a track after an identify in the same batch finds the user.
      for (const call of typed('identify')) await recordIdentify(store, call);
      const tracks = typed('track');
      eventsRejected.inc({ source: 'segment', reason: 'not_track' }, batch.length - tracks.length);
      await accept(ctx, tracks);
    });
}

function limit(text: string | undefined, max: number, what: string): void {
  if (Buffer.byteLength(text ?? '') > max) {
    throw new HttpError(413, `${what} may be at most ${max / 1024} KB, as with Segment`);
  }
}

/** The call as an event, or none when it cannot be one. */
async function asEvent(ctx: Context, store: Store, call: unknown): Promise<IncomingEvent[]> {
  const track = trackCallSchema.safeParse(call);
  if (!track.success) return dropped(ctx, call, 'invalid', describeIssues(track.error));
  // Without an email in the call, the one an identify call gave for its user.
  const email = emailOf(track.data) ?? (await knownEmail(store, track.data.userId));
  if (email === undefined) return dropped(ctx, call, 'no_email');
  const event = eventSchema.safeParse({
    name: track.data.event,
    email,
    id: track.data.messageId,
    properties: track.data.properties ?? {},
    timestamp: isoTimestamp(track.data.timestamp),
  });
  if (!event.success) return dropped(ctx, call, 'invalid', describeIssues(event.error));
  return [event.data];
}

function emailOf(call: z.infer<typeof trackCallSchema>): unknown {
  const given = [call.context?.traits?.email, call.properties?.email, call.traits?.email];
  return given.find((email) => email !== undefined && email !== null && email !== '');
}

async function knownEmail(store: Store, userId?: string | number): Promise<string | undefined> {
  if (userId === undefined) return undefined;
  return (await profileOf(store, String(userId)))?.email ?? undefined;
}

// Segment takes any ISO 8601 time; an event's needs a time zone, as toISOString writes it.
function isoTimestamp(timestamp?: string): string | undefined {
  const ms = timestamp === undefined ? NaN : Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}

function dropped(ctx: Context, call: unknown, reason: string, problems?: string[]): [] {
  eventsRejected.inc({ source: 'segment', reason });
  const messageId = (call as { messageId?: unknown } | null)?.messageId;
  // An anonymous visitor without an email is normal; an invalid call is a bug in the sender.
  const level = problems ? 'warn' : 'debug';
  requestLogger(ctx)[level]({ messageId, reason, problems }, 'Segment call dropped');
  return [];
}
