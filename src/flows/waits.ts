import { ROOT } from './edges';
import type { FlowDag } from './graph';
import type { FlowProblem } from './problems';
import type { Action, Reentry } from './schema';

function isAncestor(dag: FlowDag, ancestor: string, of: string): boolean {
  const stack = [...dag.parents(of)];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === ancestor) return true;
    if (!seen.has(id)) {
      seen.add(id);
      stack.push(...dag.parents(id));
    }
  }
  return false;
}

/**
 * Problems of the nodes that depend on other events: a later event can reach a run only
 * through its per-user workflow ID, and a branch can only test an event its run has received.
 */
export function waitProblems(
  actions: readonly Action[],
  dag: FlowDag,
  reentry: Reentry,
): FlowProblem[] {
  return actions.flatMap((action): FlowProblem[] => {
    if (action.type === 'waitForEvent' && reentry === 'every-event') {
      const message =
        'waitForEvent needs reentry "once" or "after-exit": an every-event run has a workflow ID per event, so a later event cannot find it';
      return [{ node: action.id, message }];
    }
    if (action.type !== 'branch' || action.on === ROOT) return [];
    const target = actions.find((a) => a.id === action.on);
    if (target?.type === 'waitForEvent' && isAncestor(dag, action.on, action.id)) return [];
    const message = `on: "${action.on}" is not a waitForEvent node above this branch (use "${ROOT}" to test the trigger event)`;
    return [{ node: action.id, message }];
  });
}
