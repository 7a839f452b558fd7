import { isGrpcServiceError } from '@temporalio/client';

// gRPC status codes: the server could not be reached, or did not answer in time.
const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = err; e instanceof Error; e = e.cause) chain.push(e);
  return chain;
}

/** Temporal was not reached at all, so nothing happened and a later try may work. */
export function isUnreachable(err: unknown): boolean {
  return causes(err).some(
    (e) => isGrpcServiceError(e) && (e.code === UNAVAILABLE || e.code === DEADLINE_EXCEEDED),
  );
}

/** The SDK's summary and the server's own words: "Failed to start Workflow: WorkflowId ...". */
export function failureReason(err: unknown): string {
  const messages = causes(err).map((e) => e.message);
  return messages.length > 0 ? [...new Set(messages)].join(': ') : String(err);
}

/** Nothing of the request reached Temporal: the client may send all of it again later. */
export class TemporalUnavailableError extends Error {
  readonly retryAfterSeconds = 5;

  constructor(cause: unknown) {
    super(`Temporal is unreachable (${failureReason(cause)}): nothing was ingested, try again`, {
      cause,
    });
    this.name = 'TemporalUnavailableError';
  }
}
