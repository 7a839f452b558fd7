import { z } from 'zod';

export const MAX_BATCH = 500;
const MAX_TEXT = 200;

// Ids and names reach workflow IDs, headers and log lines, where a control character breaks
// them and a lone surrogate (which encoders replace) could make two ids one: both are refused.
const unprintable = /[\p{Cc}\p{Cs}\u2028\u2029]/u;

const printable = (text: z.ZodString) =>
  text
    .max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`)
    .refine(
      (value) => !unprintable.test(value),
      'must be printable: no control characters (line breaks, tabs, NUL) and no lone surrogates',
    );

/** A client's event id, also what the Idempotency-Key header carries. */
export const eventIdSchema = printable(z.string().min(1, 'must not be empty'));

export const eventSchema = z
  .object({
    name: printable(z.string().trim().min(1, 'must not be empty')),
    email: z
      .string()
      .trim()
      .pipe(z.email({ error: 'must be an email address' })),
    id: eventIdSchema.optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
    timestamp: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export type IncomingEvent = z.infer<typeof eventSchema>;

/** One event or a batch; a problem names the field, and in a batch the index (see errors.ts). */
export const eventsBodySchema = z.union(
  [eventSchema.transform((e) => [e]), z.array(eventSchema).min(1).max(MAX_BATCH)],
  { error: 'must be an event (an object) or an array of events' },
);
