import { CancellationScope, condition, patched, workflowInfo } from '@temporalio/workflow';
import type { CarriedState } from './definitions';
import { PATCHES } from './patches';
import type { Run } from './run';

/** Far below Temporal's 50K events, past which the server terminates a run. */
const HISTORY_EVENTS = 10_000;
/** Past a new run's first task: a lower limit would continue as new before doing anything. */
const MIN_HISTORY_EVENTS = 10;

/**
 * Resolves once the history is long (past the input's limit, or as Temporal suggests) at a
 * moment when every node in flight sleeps, in a delay, a back-off or a wait: then no attempt
 * is half done, and each sleeping node resumes from its deadline in the next run.
 */
export async function historyOutgrown(run: Run): Promise<void> {
  const limit = Math.max(MIN_HISTORY_EVENTS, run.input.limits?.historyEvents ?? HISTORY_EVENTS);
  const long = () => {
    const { historyLength, continueAsNewSuggested } = workflowInfo();
    return continueAsNewSuggested || historyLength >= limit;
  };
  for (;;) {
    // A condition is also tried as it is set, in the middle of a task, where a node may be
    // between waking up and its next step: only later tries see the run at rest.
    let tries = 0;
    await condition(() => tries++ > 0 && asleep(run) && long());
    if (patched(PATCHES.continueAsNew)) return;
    // Replaying a run recorded before continue-as-new, which went on here: so does this, and
    // asks again after its next task.
    const length = workflowInfo().historyLength;
    await condition(() => workflowInfo().historyLength > length);
  }
}

/**
 * Nothing in flight and every sleeper still asleep. A timer that fired or an activity that
 * returned in this task may not have moved its node yet: its deadline has passed, or the
 * attempt still counts as in flight, so either keeps this false.
 */
function asleep({ inFlight, failing, deadlines }: Run): boolean {
  const now = Date.now();
  return (
    inFlight === 0 &&
    !failing &&
    deadlines.size > 0 &&
    [...deadlines.values()].every((at) => at > now) &&
    !CancellationScope.current().consideredCancelled
  );
}

export function carriedState({ nodes, deadlines, inbox }: Run): CarriedState {
  return {
    nodes: [...nodes.values()],
    deadlines: Object.fromEntries(deadlines),
    inbox: inbox.state(),
  };
}
