import { z } from 'zod';

export const MAX_BATCH = 500;

export const eventSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    email: z
      .string()
      .trim()
      .pipe(z.email({ error: 'must be an email address' })),
    id: z.string().min(1).max(200).optional(),
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
