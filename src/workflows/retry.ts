import { ActivityFailure, ApplicationFailure, isCancellation, sleep } from '@temporalio/workflow';
import type { RetryPolicy } from '../flows/schema';
import type { NodeState } from './definitions';

/** Runs recorded before activities reported their times replay without them. */
interface ActivityTimes {
  startedAt?: number;
  finishedAt?: number;
}

/**
 * Runs `attempt` until it succeeds, with exponential back-off on a durable timer.
 *
 * Activities run as local activities with a single attempt each, and this loop owns the
 * retries: a local activity is several times faster than a scheduled one, and keeping the
 * attempt count and last error in the node's state shows them in the run's progress query,
 * where Temporal would otherwise hide a local activity's retries inside the worker.
 */
export async function withRetries<T extends ActivityTimes>(
  node: NodeState,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> {
  for (;;) {
    node.attempts++;
    node.state = 'running';
    node.nextAttemptAt = undefined;
    try {
      const result = await attempt();
      // The activity's own clock: workflow time around a local activity differs between the
      // live run and a replay, and a closed run's timeline is drawn from a replay.
      if (node.attempts === 1 && result.startedAt) node.startedAt = iso(result.startedAt);
      if (result.finishedAt) node.endedAt = iso(result.finishedAt);
      return result;
    } catch (err) {
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
      node.lastError = cause instanceof Error ? cause.message : String(cause);
      const permanent = cause instanceof ApplicationFailure && cause.nonRetryable;
      const exhausted = policy.maximumAttempts > 0 && node.attempts >= policy.maximumAttempts;
      if (permanent || exhausted) throw cause;
      const backoff = Math.min(
        policy.initialIntervalMs * policy.backoffCoefficient ** (node.attempts - 1),
        policy.maximumIntervalMs,
      );
      node.state = 'retrying';
      node.nextAttemptAt = new Date(Date.now() + backoff).toISOString();
      await sleep(backoff);
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
