import { z } from 'zod';
import { NODE_ID } from '../flows/edges';
import { NODE_STATES, SEND_LIMITS, type NodeState, type RunEvent } from '../workflows/definitions';

// Requests and replies of /v1/runs, defined once: the routes parse with them and the OpenAPI
// document is generated from them.

/** The page's lists. `failed` is every run that ended without finishing its flow. */
export const runStatusSchema = z
  .enum(['running', 'completed', 'exited', 'failed'])
  .describe(
    "exited: an exit event of the flow's exitOn ended the run (Temporal's status: COMPLETED); " +
      'failed includes runs that timed out, were terminated or were canceled',
  );
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runFilterSchema = z.strictObject({
  status: runStatusSchema.optional(),
  flowId: z.string().regex(NODE_ID, 'must be a flow id').optional(),
  email: z
    .string()
    .trim()
    .pipe(z.email({ error: 'must be an email address' }))
    .optional(),
});
export type RunFilter = z.infer<typeof runFilterSchema>;

export const runCountsQuerySchema = runFilterSchema.omit({ status: true });

export const listRunsQuerySchema = runFilterSchema.extend({
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a nextPageToken from an earlier reply')
    .optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const runQuerySchema = z.strictObject({
  runId: z
    .guid('must be a run ID, as Temporal writes them')
    .optional()
    .describe('a run of the workflow other than its latest'),
});

const time = z.iso.datetime();

export const runSummarySchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  // Null only for a flowRun started outside Socktech, without its memo and search attributes.
  flowId: z.string().nullable(),
  flowVersion: z.string().nullable(),
  flowName: z.string().nullable(),
  email: z.string().nullable(),
  event: z.string().nullable().describe('the name of the event that started the run'),
  status: runStatusSchema,
  temporalStatus: z.string().describe("Temporal's own status name, e.g. TERMINATED"),
  startTime: time,
  closeTime: time.nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runListSchema = z.object({
  runs: z
    .array(runSummarySchema)
    .describe('running runs newest first, then closed runs by close time, newest first'),
  nextPageToken: z.string().nullable(),
});
export type RunList = z.infer<typeof runListSchema>;

export const runCountsSchema = z.object({
  running: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  failed: z.number().int(),
});
export type RunCounts = z.infer<typeof runCountsSchema>;

export const nodeStateSchema = z.object({
  id: z.string(),
  type: z.string(),
  state: z.enum(NODE_STATES),
  attempts: z.number().int(),
  startedAt: time.optional(),
  endedAt: time.optional(),
  lastError: z.string().optional(),
  nextAttemptAt: time.optional(),
  windowOpensAt: time.optional().describe('an email due outside its send window waits until then'),
  limit: z
    .object({ by: z.enum(SEND_LIMITS), until: time })
    .optional()
    .describe('a send held back by a provider rate limit or a frequency cap, while it waits'),
  outcome: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  fromEarlierRun: z.boolean().optional(),
}) satisfies z.ZodType<NodeState>;

export const timelineNodeSchema = nodeStateSchema.extend({
  level: z.number().int().describe('breadth-first level; 1 runs right after the trigger'),
});
export type TimelineNode = z.infer<typeof timelineNodeSchema>;

export const runEventSchema = z.object({
  name: z.string(),
  id: z.string().optional(),
  timestamp: z.string().optional(),
  properties: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<RunEvent>;

export const runDetailSchema = z.object({
  run: runSummarySchema,
  event: runEventSchema,
  nodes: z.array(timelineNodeSchema).describe('in breadth-first order'),
  edges: z
    .array(z.object({ from: z.string(), to: z.string(), label: z.string().optional() }))
    .describe('of the flow the run started with, from parent to child'),
  failure: z.object({ node: z.string(), message: z.string() }).nullable(),
  exit: z
    .object({ event: runEventSchema, at: time })
    .nullable()
    .describe('the event that ended the run by an exit rule, and when'),
  progressError: z
    .string()
    .nullable()
    .describe('why the progress query went unanswered; nodes is empty then'),
  temporalUi: z.string().nullable().describe('this run in the Temporal Web UI, when configured'),
});
export type RunDetail = z.infer<typeof runDetailSchema>;

export const runActionReplySchema = z.object({
  workflowId: z.string(),
  runId: z.string().describe('for a rerun, the new run'),
  resumed: z
    .array(z.string())
    .optional()
    .describe('rerun only: the nodes completed earlier, which the new run skips'),
});
export type RunActionReply = z.infer<typeof runActionReplySchema>;
