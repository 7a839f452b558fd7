import { CancelledFailure, sleep, type CancellationScope } from '@temporalio/workflow';
import type { FlowRunInput, NodeState, RunExit } from './definitions';
import type { EventInbox } from './inbox';

/** One run's state as the interpreter walks it. */
export interface Run {
  input: FlowRunInput;
  nodes: Map<string, NodeState>;
  inbox: EventInbox;
  /** When each sleeping node wakes (epoch ms): what a continue-as-new carries to resume it. */
  deadlines: Map<string, number>;
  /** Activity attempts under way: a continue-as-new waits until there are none. */
  inFlight: number;
  /** A node failed the run: nothing starts or retries any more. */
  failing: boolean;
  /** An exit event ended the run: nothing starts, and what sleeps is woken and dropped. */
  exit?: RunExit;
  /** Where every sleep runs (a delay, a back-off, a wait, a send window): an exit cancels it. */
  sleeping: CancellationScope;
}

/**
 * Runs a sleep so that an exit cancels it (it throws a cancellation then). Only in a flow with
 * exit rules: a scope's extra promise steps would reorder the commands of runs recorded before.
 */
export function interruptible<T>(run: Run, sleeper: () => Promise<T>): Promise<T> {
  return run.input.flow.exitOn ? run.sleeping.run(sleeper) : sleeper();
}

export function sleepIn(run: Run, ms: number): Promise<void> {
  return interruptible(run, () => sleep(ms));
}

/** For a node that woke in the same task as the exit: it stops there, as its sleep would have. */
export function stopIfExited(run: Run): void {
  if (run.exit) throw new CancelledFailure(`the run exited on ${run.exit.event.name}`);
}

/**
 * Milliseconds until the node wakes: at the deadline carried over a continue-as-new, or `ms`
 * from now. Recorded either way, for the next continue-as-new.
 */
export function deadlineIn(run: Run, nodeId: string, ms: number): number {
  const at = run.deadlines.get(nodeId) ?? Date.now() + ms;
  run.deadlines.set(nodeId, at);
  return at - Date.now();
}
