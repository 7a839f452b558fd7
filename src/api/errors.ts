import type { Middleware } from 'koa';
import { ZodError, type z } from 'zod';
import { IngestBusyError } from '../ingest/admission';
import { TemporalUnavailableError } from '../ingest/unavailable';
import * as runs from '../runs/errors';
import { isStoreUnreachable, StoreUnavailableError } from '../store/unreachable';

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

/** The status of each domain error: what a person asking for it can do about it. */
const domainStatuses: [new (message: string) => Error, number][] = [
  [runs.RunNotFound, 404],
  [runs.NotRerunnable, 409],
  [runs.NotCancelable, 409],
  [runs.ForeignPageToken, 400],
  [runs.ProgressUnavailable, 503],
];

export function describeIssues(error: ZodError): string[] {
  return error.issues
    .flatMap(byField)
    .map((i) => `${i.path.length ? i.path.join('.') : '(body)'}: ${i.message}`);
}

/**
 * Problems as fields would name them: an unknown key is one problem of its own, and a union's
 * problems are those of the option the value has the shape of (`1.email`, not "invalid
 * input"); when it has the shape of none, or of several, the union's own message stands.
 */
function byField(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      ...issue,
      path: [...issue.path, key],
      message: 'unknown field',
    }));
  }
  if (issue.code !== 'invalid_union') return [issue];
  const shaped = issue.errors.filter(
    (option) => !option.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  if (shaped.length !== 1) return [issue];
  return shaped[0].flatMap((i) => byField({ ...i, path: [...issue.path, ...i.path] }));
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
      // The API reaches only Temporal (whose errors carry numeric codes), the store and, for a
      // test send, SMTP (caught there): an unreachable server here is the store.
      const unavailable =
        err instanceof TemporalUnavailableError
          ? err
          : isStoreUnreachable(err)
            ? new StoreUnavailableError(err)
            : undefined;
      if (err instanceof IngestBusyError) {
        ctx.set('Retry-After', String(err.retryAfterSeconds));
        ctx.status = 429;
        ctx.body = { error: err.message };
        return;
      }
      if (unavailable) {
        // A later try may work: every route that ingests or reads the store answers the same way.
        ctx.set('Retry-After', String(unavailable.retryAfterSeconds));
        ctx.status = 503;
        ctx.body = { error: unavailable.message };
        return;
      }
      const domain = domainStatuses.find(([type]) => err instanceof type);
      if (domain) {
        ctx.status = domain[1];
        ctx.body = { error: (err as Error).message };
        return;
      }
      if (err instanceof ZodError) {
        ctx.status = 400;
        ctx.body = { error: 'invalid request', problems: describeIssues(err) };
        return;
      }
      // As ctx.throw makes them, with a client status.
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
