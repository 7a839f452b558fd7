import { z } from 'zod';

/** What became of one flow an event matched: the reply of every route that ingests. */
export const MATCH_OUTCOMES = [
  'started',
  'duplicate',
  'filtered',
  'invalid',
  'queued',
  'error',
] as const;
export type Outcome = (typeof MATCH_OUTCOMES)[number];

export const flowMatchSchema = z.object({
  flowId: z.string(),
  workflowId: z.string(),
  outcome: z
    .enum(MATCH_OUTCOMES)
    .describe(
      'started; duplicate (that run exists already); filtered (trigger.where did not match); ' +
        "invalid (the event or the user's traits lack what the flow's templates need; no run); " +
        'queued (Temporal could not be reached for this run while others of the request started: ' +
        'kept in the store and started as soon as Temporal answers; no need to send again); ' +
        'error (the start failed: send the event again)',
    ),
  runId: z.string().optional().describe('started only'),
  missing: z
    .array(z.string())
    .optional()
    .describe(
      'invalid only: what the templates read and the event or the traits lack, e.g. properties.plan',
    ),
  wrongType: z
    .array(z.string())
    .optional()
    .describe('invalid only: objects or arrays where a template prints text'),
  reason: z.string().optional().describe('invalid, queued and error: what went wrong, in words'),
});
export type FlowMatch = z.infer<typeof flowMatchSchema>;

/** A run of this user that was waiting for such an event and was handed it. */
export const deliverySchema = z.object({ flowId: z.string(), workflowId: z.string() });
export type Delivery = z.infer<typeof deliverySchema>;

export const failedDeliverySchema = deliverySchema.extend({ reason: z.string() });
export type FailedDelivery = z.infer<typeof failedDeliverySchema>;
