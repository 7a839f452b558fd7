import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setHandler,
} from '@temporalio/workflow';
import { parseEdge, type Edge } from '../flows/edges';
import type { Action } from '../flows/schema';
import { runAction, takes } from './actions';
import { carriedState, historyOutgrown } from './continueAsNew';
import {
  eventSignal,
  progressQuery,
  type FlowRunInput,
  type NodeState,
  type RunEvent,
  type RunProgress,
} from './definitions';
import { exitRuleFor, exitRun, markExited } from './exit';
import { Inbox, type EventInbox } from './inbox';
import { LegacyInbox } from './legacyInbox';
import { record, settled } from './nodeRecorder';
import { PATCHES } from './patches';
import type { Run } from './run';

/**
 * Interprets a flow's DAG breadth-first: each action starts as soon as all its parents have
 * settled, so independent siblings run concurrently and a join runs once, after every parent.
 * A run that lives long continues as new, carrying where it was, so its history stays short.
 */
export async function flowRun(input: FlowRunInput): Promise<RunProgress> {
  const { flow } = input;
  const nodes = new Map(flow.actions.map((a) => [a.id, initialState(a, input)]));
  const progress: RunProgress = { nodes: [...nodes.values()] };
  setHandler(progressQuery, () => progress);
  const run: Run = {
    input,
    nodes,
    inbox: openInbox(input, nodes),
    deadlines: new Map(Object.entries(input.carried?.deadlines ?? {})),
    inFlight: 0,
    failing: false,
    sleeping: new CancellationScope(),
  };
  // An exit event ends the run, whatever it is doing; any other is for the waits. Set before
  // any node starts: an exit event that came with the start is handled here first.
  setHandler(eventSignal, (event) => {
    if (run.exit || run.failing || !exitRuleFor(input, event)) run.inbox.receive(event);
    else exitRun(run, progress, event);
  });

  // An edge is taken when its parent went on (completed, or failed with onFailure "continue")
  // and, for a labelled edge, took that label's path.
  const taken = ({ from, label }: Edge) => {
    const parent = nodes.get(from)!;
    const wentOn = parent.state === 'completed' || parent.state === 'failed';
    return wentOn && (label === undefined || label === parent.outcome);
  };

  const visit = async (action: Action, parents: Edge[]) => {
    const node = nodes.get(action.id)!;
    // Settled in an earlier run or before a continue-as-new; or the run is failing, and stays
    // as it is (pending) for a rerun to take up; or it exited.
    if (settled(node) || run.failing || run.exit) return;
    if (parents.length > 0 && !parents.some(taken)) {
      record.skip(node);
      return;
    }
    record.start(node);
    try {
      const { outcome, properties } = await runAction(action, node, run);
      record.complete(node, outcome, properties);
    } catch (err) {
      // An exit cut its sleep short: the node stays as it was when the run ended.
      if (isCancellation(err) && run.exit) return;
      if (isCancellation(err)) throw err;
      record.fail(node, err);
      if (action.onFailure !== 'fail' || run.exit) return;
      progress.failure ??= { node: node.id, message: node.lastError ?? 'unknown error' };
      if (!patched(PATCHES.finishInFlight)) throw nodeFailed(progress.failure);
      // Attempts in flight finish and are recorded, so a rerun does not repeat what completed.
      run.failing = true;
    }
  };

  // Actions arrive in topological order, so every parent's promise exists before its children.
  const visits = new Map<string, Promise<void>>();
  for (const action of flow.actions) {
    const parents = action.after.map(parseEdge);
    const ready = Promise.all(parents.map(({ from }) => visits.get(from)));
    visits.set(
      action.id,
      ready.then(() => visit(action, parents)),
    );
  }
  const ending = await Promise.race([
    Promise.all(visits.values()).then(() => 'done' as const),
    condition(() => run.failing && run.inFlight === 0).then(() => 'failed' as const),
    historyOutgrown(run).then(() => 'continue' as const),
  ]);
  if (progress.failure) throw nodeFailed(progress.failure);
  if (run.exit) {
    markExited();
    return progress;
  }
  if (ending === 'continue') {
    return continueAsNew<typeof flowRun>({ ...input, carried: carriedState(run) });
  }
  return progress;
}

function initialState(action: Action, { resume = {}, carried }: FlowRunInput): NodeState {
  const current = carried?.nodes.find((n) => n.id === action.id);
  if (current) return current;
  const earlier = resume[action.id];
  if (earlier?.state === 'completed') return { ...earlier, fromEarlierRun: true };
  return { id: action.id, type: action.type, state: 'pending', attempts: 0 };
}

function openInbox(
  { flow, event, carried }: FlowRunInput,
  nodes: Map<string, NodeState>,
): EventInbox {
  if (!patched(PATCHES.inboxClaimsOnce)) return new LegacyInbox();
  const waits = flow.actions.flatMap((a) => (a.type === 'waitForEvent' ? [a] : []));
  const wanted = (e: RunEvent) => waits.some((w) => !settled(nodes.get(w.id)!) && takes(w, e));
  // The trigger's own id too: a client's retry of the trigger is not a later event.
  const fresh = { events: [], seen: event.id === undefined ? [] : [event.id] };
  return new Inbox(wanted, carried?.inbox ?? fresh);
}

function nodeFailed(failure: { node: string; message: string }): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'NodeFailed',
    message: `node "${failure.node}" failed: ${failure.message}`,
    details: [failure],
    nonRetryable: true,
  });
}
