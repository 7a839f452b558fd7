import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { NODE_ID } from '../flows/edges';
import { formatProblem, type FlowProblem } from '../flows/problems';
import { validateFlow } from '../flows/validate';
import type { Store } from '../store/db';
import {
  archive,
  createFlow,
  findFlow,
  FlowStoreError,
  listAudit,
  listVersions,
  publish,
  readDefinition,
  rollback,
  saveDraft,
  type StoredFlow,
} from '../store/flows';
import { HttpError, parseOr400 } from './errors';

const time = z.iso.datetime();
const version = z.int().min(1);

export const flowDefinitionSchema = z
  .looseObject({ id: z.string().regex(NODE_ID, 'must use only letters, digits, "_" and "-"') })
  .describe('the flow as a flow file holds it (docs/flows.md); a draft may be incomplete');

export const storedFlowSchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  head: version.describe('the newest version, the one a change names in If-Match'),
  published: version.nullable().describe('the version new events run; null: never published'),
  archived: z.boolean().describe('new events no longer start it'),
  updatedAt: time,
});

export const flowProblemSchema = z.object({
  node: z.string().optional().describe('the action the problem is in'),
  message: z.string(),
});

export const draftSchema = storedFlowSchema.extend({
  definition: z.record(z.string(), z.unknown()).describe('the head version, as written'),
  problems: z
    .array(flowProblemSchema)
    .describe('what keeps the head from being published; none when it can be'),
});

export const versionsSchema = storedFlowSchema.extend({
  versions: z
    .array(
      z.object({
        version,
        createdBy: z.string().describe("an API key's name, or the file it was imported from"),
        createdAt: time,
        rollbackOf: version.nullable().describe('the version a rollback copied'),
      }),
    )
    .describe('newest first'),
  audit: z
    .array(
      z.object({
        action: z.enum(['create', 'draft', 'publish', 'rollback', 'archive', 'import']),
        version,
        actor: z.string(),
        at: time,
      }),
    )
    .describe('who changed what, when; oldest first'),
});

export const rollbackBodySchema = z.strictObject({
  version: version.describe('the version to publish again, as a new version'),
});

export const ifMatchSchema = z.object({
  'If-Match': z
    .string()
    .regex(/^(W\/)?"?\d{1,9}"?$/, 'must be a version, as an ETag gives it: "3"')
    .describe('the head version the change is based on: the ETag of the draft you read'),
});

export const etagHeader = {
  ETag: z.string().describe('the head version, quoted: what If-Match names in the next change'),
};

/** The flow's id from the path; an id no flow can have finds none. */
export function flowId(ctx: Context): string {
  const { id } = ctx.params as { id: string };
  if (!NODE_ID.test(id)) throw new HttpError(404, `no flow with id ${JSON.stringify(id)}`);
  return id;
}

/** Whom the audit names: the API key's name, or `anonymous` when the API needs no key. */
const actor = (ctx: Context): string => (ctx.state.apiKey as string | undefined) ?? 'anonymous';

function expectedVersion(ctx: Context, id: string): number {
  const given = ctx.get('If-Match');
  if (!given) {
    throw new HttpError(
      428,
      `If-Match is needed: the version your change is based on, as the ETag of ` +
        `GET /v1/flows/${id}/draft gives it, so a change made meanwhile is not overwritten`,
    );
  }
  const header = parseOr400(ifMatchSchema, { 'If-Match': given }, 'headers');
  return Number(header['If-Match'].replace(/\D/g, ''));
}

/** Problems as `flows:check` words them, minus the flow the route already names. */
export const describeProblem = ({ node, message }: FlowProblem): string =>
  formatProblem({ node, message });

/** A problem as the editor places it: at its node, if it has one. */
export const problemOf = ({ node, message }: FlowProblem) =>
  node === undefined ? { message } : { node, message };

async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof FlowStoreError)) throw err;
    const status = { missing: 404, exists: 409, stale: 412, invalid: 422, 'no-version': 400 };
    const problems = err.problems.map(describeProblem);
    if (err.reason === 'no-version') problems.push(`version: ${err.message}`);
    throw new HttpError(status[err.reason], err.message, problems.length ? problems : undefined);
  }
}

function storedView(flow: StoredFlow): z.infer<typeof storedFlowSchema> {
  return { ...flow, updatedAt: flow.updatedAt.toISOString() };
}

function reply(ctx: Context, flow: StoredFlow): void {
  ctx.set('ETag', `"${flow.head}"`);
  ctx.body = storedView(flow);
}

async function replyDraft(ctx: Context, store: Store, flow: StoredFlow): Promise<void> {
  const { definition } = (await readDefinition(store, flow.id, flow.head))!;
  const result = await validateFlow(definition);
  ctx.set('ETag', `"${flow.head}"`);
  ctx.body = {
    ...storedView(flow),
    definition: definition as Record<string, unknown>,
    problems: result.ok ? [] : result.problems.map(problemOf),
  } satisfies z.infer<typeof draftSchema>;
}

export interface FlowStoreDeps {
  store: Store;
  /** Called after the published set changed, so this process's index has it before we answer. */
  refreshFlows?: () => Promise<void>;
}

/** Creating, editing, publishing, rolling back and archiving flows kept in the store. */
export function flowStoreRoutes(router: Router, { store, refreshFlows }: FlowStoreDeps): Router {
  const published = async (ctx: Context, flow: StoredFlow) => {
    await refreshFlows?.();
    reply(ctx, flow);
  };
  return router
    .post('/', async (ctx) => {
      const body = parseOr400(flowDefinitionSchema, ctx.request.body, 'body');
      const flow = await storeCall(() => createFlow(store, body.id, ctx.request.body, actor(ctx)));
      ctx.status = 201;
      ctx.set('Location', `/v1/flows/${flow.id}/draft`);
      await replyDraft(ctx, store, flow);
    })
    .get('/:id/draft', async (ctx) => {
      const id = flowId(ctx);
      const flow = await findFlow(store, id);
      if (!flow) throw new HttpError(404, `no flow with id "${id}"`);
      await replyDraft(ctx, store, flow);
    })
    .put('/:id/draft', async (ctx) => {
      const id = flowId(ctx);
      const expected = expectedVersion(ctx, id);
      const body = parseOr400(flowDefinitionSchema, ctx.request.body, 'body');
      if (body.id !== id) {
        throw new HttpError(400, 'invalid body', [
          `id: must be "${id}", the flow's id in the path: a flow keeps its id (create another for a new one)`,
        ]);
      }
      const flow = await storeCall(() =>
        saveDraft(store, id, expected, ctx.request.body, actor(ctx)),
      );
      await replyDraft(ctx, store, flow);
    })
    .post('/:id/publish', async (ctx) => {
      const id = flowId(ctx);
      const expected = expectedVersion(ctx, id);
      await published(ctx, await storeCall(() => publish(store, id, expected, actor(ctx))));
    })
    .post('/:id/rollback', async (ctx) => {
      const id = flowId(ctx);
      const expected = expectedVersion(ctx, id);
      const body = parseOr400(rollbackBodySchema, ctx.request.body, 'body');
      const flow = await storeCall(() => rollback(store, id, expected, body.version, actor(ctx)));
      await published(ctx, flow);
    })
    .post('/:id/archive', async (ctx) => {
      const id = flowId(ctx);
      const expected = expectedVersion(ctx, id);
      await published(ctx, await storeCall(() => archive(store, id, expected, actor(ctx))));
    })
    .get('/:id/versions', async (ctx) => {
      const id = flowId(ctx);
      const flow = await findFlow(store, id);
      if (!flow) throw new HttpError(404, `no flow with id "${id}"`);
      const [versions, audit] = await Promise.all([listVersions(store, id), listAudit(store, id)]);
      ctx.set('ETag', `"${flow.head}"`);
      ctx.body = {
        ...storedView(flow),
        versions: versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() })),
        audit: audit.map((a) => ({ ...a, at: a.at.toISOString() })),
      } satisfies z.infer<typeof versionsSchema>;
    });
}
