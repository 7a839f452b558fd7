import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Store } from '../store/db';

export const healthReplySchema = z.object({
  ok: z.boolean(),
  temporal: z.string().describe('"up", or why Temporal did not answer'),
  store: z.string().describe('"up", or why the database did not answer'),
});
type HealthReply = z.infer<typeof healthReplySchema>;

/** 200 only when Temporal and the store answer too: an API that cannot start runs is not healthy. */
export function healthRoutes(client: Client, store: Store): Router {
  return new Router().get('/healthz', async (ctx) => {
    const [temporal, database] = await Promise.all([
      check(() => client.workflowService.getSystemInfo({})),
      check(() => store.ping()),
    ]);
    const ok = temporal === 'up' && database === 'up';
    ctx.status = ok ? 200 : 503;
    ctx.body = { ok, temporal, store: database } satisfies HealthReply;
  });
}

async function check(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'up';
  } catch (err) {
    return (err as Error).message;
  }
}
