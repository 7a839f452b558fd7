import { ActivityFailure, ApplicationFailure, isCancellation } from '@temporalio/workflow';
import type { RetryPolicy } from '../flows/schema';
import type { NodeState } from './definitions';
import { deadlineIn, sleepIn, stopIfExited, type Run } from './run';
import { record, type ActivityTimes } from './nodeRecorder';

/**
 * Runs `attempt` until it succeeds, with exponential back-off on a durable timer.
 *
 * Activities run as local activities with a single attempt each, and this loop owns the
 * retries: a local activity is several times faster than a scheduled one, and keeping the
 * attempt count and last error in the node's state shows them in the run's progress query,
 * where Temporal would otherwise hide a local activity's retries inside the worker.
 */
export async function withRetries<T extends ActivityTimes>(
  run: Run,
  node: NodeState,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
): Promise<T> {
  // Carried over a continue-as-new in the middle of a back-off: the rest of it first.
  if (node.state === 'retrying') {
    await sleepIn(run, deadlineIn(run, node.id, 0));
    run.deadlines.delete(node.id);
  }
  for (;;) {
    stopIfExited(run);
    if (run.failing) throw new Error('another node failed the run first');
    record.attempt(node);
    run.inFlight++;
    try {
      const result = await attempt();
      run.inFlight--;
      record.attempted(node, result);
      return result;
    } catch (err) {
      run.inFlight--;
      if (isCancellation(err)) throw err;
      const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
      record.attemptFailed(node, cause);
      const permanent = cause instanceof ApplicationFailure && cause.nonRetryable;
      const exhausted = policy.maximumAttempts > 0 && node.attempts >= policy.maximumAttempts;
      if (permanent || exhausted || run.failing) throw cause;
      const backoff = Math.min(
        policy.initialIntervalMs * policy.backoffCoefficient ** (node.attempts - 1),
        policy.maximumIntervalMs,
      );
      const ms = deadlineIn(run, node.id, backoff);
      record.retrying(node, Date.now() + ms);
      await sleepIn(run, ms);
      run.deadlines.delete(node.id);
    }
  }
}
