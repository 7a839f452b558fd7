import type { NodeState, SendLimit } from './definitions';

// Every change to a node's state goes through here, so the timeline's rules read in one file.

/** Times an activity reports from its own clock; runs recorded before they did lack them. */
export interface ActivityTimes {
  startedAt?: number;
  finishedAt?: number;
}

const now = () => new Date().toISOString();
const iso = (ms: number) => new Date(ms).toISOString();
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const record = {
  /** Its parents have settled. A node carried over a continue-as-new keeps its first start. */
  start(node: NodeState): void {
    node.startedAt ??= now();
  },

  attempt(node: NodeState): void {
    node.attempts++;
    node.state = 'running';
    node.nextAttemptAt = undefined;
  },

  /**
   * The activity's own clock wins over workflow time: that differs between the live run and a
   * replay around a local activity, and a closed run's timeline is drawn from a replay. An
   * email that waited for its send window started before that wait.
   */
  attempted(node: NodeState, { startedAt, finishedAt }: ActivityTimes): void {
    if (node.attempts === 1 && startedAt && !node.windowOpensAt) node.startedAt = iso(startedAt);
    if (finishedAt) node.endedAt = iso(finishedAt);
  },

  attemptFailed(node: NodeState, err: unknown): void {
    node.lastError = message(err);
  },

  retrying(node: NodeState, nextAttemptAt: number): void {
    node.state = 'retrying';
    node.nextAttemptAt = iso(nextAttemptAt);
  },

  /** In a delay or a wait for an event. */
  waiting(node: NodeState): void {
    node.state = 'waiting';
  },

  /** An email due outside its send window, until it opens. */
  waitingForWindow(node: NodeState, opensAt: number): void {
    node.state = 'waiting';
    node.windowOpensAt = iso(opensAt);
  },

  /** A rate limit or a frequency cap held the send back: that answer was no attempt. */
  heldBack(node: NodeState): void {
    node.attempts--;
    node.endedAt = undefined;
  },

  /** Until then, for a rate limit or a frequency cap to let the send go. */
  limited(node: NodeState, by: SendLimit, until: number): void {
    node.state = 'waiting';
    node.limit = { by, until: iso(until) };
  },

  limitLifted(node: NodeState): void {
    node.limit = undefined;
  },

  complete(node: NodeState, outcome?: string, properties?: Record<string, unknown>): void {
    node.state = 'completed';
    node.outcome = outcome;
    if (properties) node.properties = properties;
    node.endedAt ??= now();
  },

  /** The last attempt's error stays: it says more than the error that ended the retries. */
  fail(node: NodeState, err: unknown): void {
    node.state = 'failed';
    node.lastError ??= message(err);
    node.endedAt ??= now();
  },

  skip(node: NodeState): void {
    node.state = 'skipped';
  },
};

/** Completed, failed or skipped: nothing more happens to it in this run. */
export const settled = ({ state }: NodeState) =>
  state === 'completed' || state === 'failed' || state === 'skipped';
