import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { NODE_ID, parseEdge } from '../flows/edges';
import { ON_CAP } from '../flows/frequencyCap';
import { flowLevels } from '../flows/graph';
import type { FlowIndex } from '../flows/load';
import { REENTRIES, type Flow } from '../flows/schema';
import type { Ingest } from '../ingest/ingest';
import { flowMatchSchema } from '../ingest/match';
import { findFlow, listFlows } from '../store/flows';
import { HttpError, parseOr400 } from './errors';
import { flowCheckRoutes, type FlowCheckDeps } from './flowCheck';
import { flowStoreRoutes, storedFlowSchema, type FlowStoreDeps } from './flowStore';

const capSchema = z
  .object({ max: z.number().int(), perMs: z.number().int() })
  .describe('at most max marketing emails to one user, across all flows, in any perMs');

export const flowViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.string(),
  reentry: z.enum(REENTRIES),
  trigger: z.object({ event: z.string(), where: z.record(z.string(), z.unknown()) }),
  sample: z
    .object({ event: z.string(), email: z.string(), properties: z.record(z.string(), z.unknown()) })
    .nullable(),
  timezone: z.string().nullable().describe("send windows' zone for users without a timezone trait"),
  exitOn: z
    .array(
      z.object({
        event: z.string(),
        where: z.record(z.string(), z.unknown()),
        match: z.string().optional(),
      }),
    )
    .describe('events that end a run of the user at once'),
  frequencyCap: capSchema
    .nullable()
    .describe("its marketing emails' cap, unless an email has its own; null: FREQUENCY_CAP's"),
  nodes: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      paths: z.record(z.string(), z.number()).optional().describe('split: path label → weight'),
      window: z
        .object({ days: z.array(z.string()), from: z.string(), to: z.string() })
        .optional()
        .describe('sendEmail: when it may be sent'),
      frequencyCap: capSchema.optional().describe("sendEmail: its own cap, not the flow's"),
      onCap: z.enum(ON_CAP).optional().describe('sendEmail: skip (outcome capped) or delay'),
    }),
  ),
  edges: z
    .array(z.object({ from: z.string(), to: z.string(), label: z.string().optional() }))
    .describe('from parent to child; nodes without parents run right after the trigger'),
  levels: z
    .array(z.array(z.string()))
    .describe('node ids, breadth-first: each level runs once the levels above are done'),
});
export type FlowView = z.infer<typeof flowViewSchema>;

export const flowListSchema = z.object({
  flows: z.array(flowViewSchema).describe('the flows new events run'),
  stored: z
    .array(storedFlowSchema)
    .describe('every flow in the store, drafts and archived ones too, by id'),
});

export const triggerBodySchema = z.strictObject({
  email: z
    .string()
    .trim()
    .pipe(z.email({ error: 'must be an email address' }))
    .optional()
    .describe("default: the flow's sample email"),
});

export const triggerReplySchema = z.object({
  event: z.object({ id: z.string(), name: z.string(), email: z.string() }),
  matched: z
    .array(flowMatchSchema)
    .describe('every flow the sample event matched, as for POST /v1/events'),
});
export type TriggerReply = z.infer<typeof triggerReplySchema>;

export interface FlowsDeps extends FlowStoreDeps, FlowCheckDeps {
  flows: () => FlowIndex;
  ingest: Ingest;
}

export function flowsRoutes(deps: FlowsDeps): Router {
  const { flows, ingest, store } = deps;
  const find = async (id: string): Promise<Flow> => {
    const flow = flows().get(id);
    if (flow) return flow;
    const stored = NODE_ID.test(id) ? await findFlow(store, id) : undefined;
    if (!stored) throw new HttpError(404, `no flow with id "${id}"`);
    const why = stored.archived ? 'archived' : 'not published';
    throw new HttpError(404, `flow "${id}" is ${why} (its draft: GET /v1/flows/${id}/draft)`);
  };
  const router = new Router({ prefix: '/v1/flows' })
    .get('/', async (ctx) => {
      const stored = await listFlows(store);
      ctx.body = {
        flows: flows().all().map(flowView),
        stored: stored.map((f) => ({ ...f, updatedAt: f.updatedAt.toISOString() })),
      } satisfies z.infer<typeof flowListSchema>;
    })
    .get('/:id', async (ctx) => {
      ctx.body = flowView(await find(ctx.params.id));
    })
    .post('/:id/trigger', async (ctx) => {
      const flow = await find(ctx.params.id);
      const body = parseOr400(triggerBodySchema, ctx.request.body ?? {}, 'body');
      const email = body.email ?? flow.sample?.email;
      if (!email) throw new HttpError(400, `flow "${flow.id}" has no sample email: send one`);
      const event = {
        // A fresh id each time, so an every-event flow starts anew on every click.
        id: `trigger-${randomUUID()}`,
        name: flow.sample?.event ?? flow.trigger.event,
        email,
        properties: flow.sample?.properties ?? {},
      };
      const [result] = await ingest([event]);
      ctx.status = 202;
      ctx.body = { event: { id: result.id, name: event.name, email }, matched: result.matched };
    });
  return flowCheckRoutes(flowStoreRoutes(router, deps), deps);
}

function flowView(flow: Flow): FlowView {
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description ?? null,
    version: flow.version,
    reentry: flow.reentry,
    trigger: flow.trigger,
    sample: flow.sample
      ? { event: flow.sample.event, email: flow.sample.email, properties: flow.sample.properties }
      : null,
    timezone: flow.timezone ?? null,
    exitOn: flow.exitOn ?? [],
    frequencyCap: flow.frequencyCap ?? null,
    nodes: flow.actions.map((a) => ({
      id: a.id,
      type: a.type,
      ...(a.type === 'split' && { paths: a.paths }),
      ...(a.type === 'sendEmail' && a.window && { window: a.window }),
      ...(a.type === 'sendEmail' && a.frequencyCap && { frequencyCap: a.frequencyCap }),
      ...(a.type === 'sendEmail' && a.onCap && { onCap: a.onCap }),
    })),
    edges: flow.actions.flatMap(({ id, after }) =>
      after.map((text) => ({ ...parseEdge(text), to: id })),
    ),
    levels: flowLevels(flow),
  };
}
