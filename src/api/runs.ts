import Router from '@koa/router';
import { cancelRun } from '../runs/cancel';
import { runDetail, type RunsDeps } from '../runs/detail';
import { countRuns, listRuns } from '../runs/list';
import { rerunRun } from '../runs/rerun';
import { listRunsQuerySchema, runCountsQuerySchema, runQuerySchema } from '../runs/schemas';
import { parseOr400 } from './errors';

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
      const { runId } = parseOr400(runQuerySchema, ctx.query, 'query');
      ctx.body = await runDetail(deps, ctx.params.workflowId, runId);
    })
    .post('/:workflowId/cancel', async (ctx) => {
      ctx.status = 202;
      ctx.body = await cancelRun(client, ctx.params.workflowId);
    })
    .post('/:workflowId/rerun', async (ctx) => {
      ctx.status = 202;
      ctx.body = await rerunRun(client, ctx.params.workflowId);
    });
}
