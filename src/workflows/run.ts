import type { FlowRunInput, NodeState } from './definitions';
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
