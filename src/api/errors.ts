import type { Middleware } from 'koa';
import { ZodError, type z } from 'zod';

/** A request a person can fix: the reply says what to change. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problems?: string[],
  ) {
    super(message);
  }
}

export function describeIssues(error: ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
}

/** Parses with a zod schema or answers 400 listing every problem by field. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpError(400, `invalid ${what}`, describeIssues(result.error));
}

export const errors =
  (log: (err: unknown) => void): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (err instanceof HttpError) {
        ctx.status = err.status;
        ctx.body = { error: err.message, problems: err.problems };
        return;
      }
      if (err instanceof ZodError) {
        ctx.status = 400;
        ctx.body = { error: 'invalid request', problems: describeIssues(err) };
        return;
      }
      // Errors from the body parser carry a client status (400 bad JSON, 413 too large, 415).
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: (err as Error).message };
        return;
      }
      log(err);
      ctx.status = 500;
      ctx.body = { error: 'internal error; see the server log' };
    }
  };
