import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { actionAttempts, actionFailures } from '.';

/**
 * Actions are local activities with one attempt each (the workflow owns the retry loop), so
 * every execution is one attempt.
 */
export const countActions: ActivityInterceptorsFactory = (ctx) => {
  const type = ctx.info.activityType;
  return {
    inbound: {
      async execute(input, next) {
        actionAttempts.inc({ type });
        try {
          return await next(input);
        } catch (err) {
          actionFailures.inc({ type });
          throw err;
        }
      },
    },
  };
};
