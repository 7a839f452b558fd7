import Router from '@koa/router';
import { z } from 'zod';
import { cancelRun } from '../runs/cancel';
import { runDetail, type RunsDeps } from '../runs/detail';
import { countRuns, listRuns } from '../runs/list';
import { rerunRun } from '../runs/rerun';
import { listRunsQuerySchema, runCountsQuerySchema, runQuerySchema } from '../runs/schemas';
import { parseOr400 } from './errors';

// Temporal's own limit: it refuses a longer ID rather than finding no run.
const runPathSchema = z.object({
  workflowId: z.string().max(1000, 'must be at most 1000 characters, as in Temporal'),
});

/** Runs as Temporal sees them: visibility for lists, describe and the progress query for one. */
export function runsRoutes(deps: RunsDeps): Router {
  const { client } = deps;
  return new Router({ prefix: '/v1/runs' })
    .get('/', async (ctx) => {
      ctx.body = await listRuns(client, parseOr400(listRunsQuerySchema, ctx.query, 'query'));
    })
    .get('/counts', async (ctx) => {
      ctx.body = await countRuns(client, parseOr400(runCountsQuerySchema, ctx.query, 'query'));
    })
    .get('/:workflowId', async (ctx) => {
      const { workflowId } = parseOr400(runPathSchema, ctx.params, 'path');
      const { runId } = parseOr400(runQuerySchema, ctx.query, 'query');
      ctx.body = await runDetail(deps, workflowId, runId);
    })
    .post('/:workflowId/cancel', async (ctx) => {
      const { workflowId } = parseOr400(runPathSchema, ctx.params, 'path');
      ctx.status = 202;
      ctx.body = await cancelRun(client, workflowId);
    })
    .post('/:workflowId/rerun', async (ctx) => {
      const { workflowId } = parseOr400(runPathSchema, ctx.params, 'path');
      ctx.status = 202;
      ctx.body = await rerunRun(client, workflowId);
    });
}
