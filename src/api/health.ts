import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { z } from 'zod';

export const healthReplySchema = z.object({
  ok: z.boolean(),
  temporal: z.string().describe('"up", or why Temporal did not answer'),
});
type HealthReply = z.infer<typeof healthReplySchema>;

/** 200 only when Temporal answers too: an API that cannot start runs is not healthy. */
export function healthRoutes(client: Client): Router {
  return new Router().get('/healthz', async (ctx) => {
    try {
      await client.workflowService.getSystemInfo({});
      ctx.body = { ok: true, temporal: 'up' } satisfies HealthReply;
    } catch (err) {
      ctx.status = 503;
      ctx.body = { ok: false, temporal: (err as Error).message } satisfies HealthReply;
    }
  });
}
