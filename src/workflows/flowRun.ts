import { ApplicationFailure, isCancellation, setHandler } from '@temporalio/workflow';
import type { Action } from '../flows/schema';
import { parseEdge, type Edge } from '../flows/edges';
import { progressQuery, type FlowRunInput, type NodeState, type RunProgress } from './definitions';
import { runAction } from './actions';
import { Inbox } from './inbox';

/**
 * Interprets a flow's DAG breadth-first: each action starts as soon as all its parents have
 * settled, so independent siblings run concurrently and a join runs once, after every parent.
 */
export async function flowRun(input: FlowRunInput): Promise<RunProgress> {
  const { flow, resume = {} } = input;
  const nodes = new Map(flow.actions.map((a) => [a.id, initialState(a, resume[a.id])]));
  const progress: RunProgress = { nodes: [...nodes.values()] };
  setHandler(progressQuery, () => progress);
  const run = { input, nodes, inbox: new Inbox() };

  // An edge is taken when its parent went on (completed, or failed with onFailure "continue")
  // and, for a labelled edge, took that label's path.
  const taken = ({ from, label }: Edge) => {
    const parent = nodes.get(from)!;
    const wentOn = parent.state === 'completed' || parent.state === 'failed';
    return wentOn && (label === undefined || label === parent.outcome);
  };

  const visit = async (action: Action, parents: Edge[]) => {
    const node = nodes.get(action.id)!;
    if (node.fromEarlierRun) return;
    if (parents.length > 0 && !parents.some(taken)) {
      node.state = 'skipped';
      return;
    }
    node.startedAt = new Date().toISOString();
    try {
      node.outcome = await runAction(action, node, run);
      node.state = 'completed';
    } catch (err) {
      if (isCancellation(err)) throw err;
      node.state = 'failed';
      node.lastError ??= err instanceof Error ? err.message : String(err);
      if (action.onFailure === 'fail') throw failRun(progress, node);
    } finally {
      node.endedAt ??= new Date().toISOString();
    }
  };

  // Actions arrive in topological order, so every parent's promise exists before its children.
  const settled = new Map<string, Promise<void>>();
  for (const action of flow.actions) {
    const parents = action.after.map(parseEdge);
    const ready = Promise.all(parents.map(({ from }) => settled.get(from)));
    settled.set(
      action.id,
      ready.then(() => visit(action, parents)),
    );
  }
  await Promise.all(settled.values());
  return progress;
}

function initialState(action: Action, earlier?: NodeState): NodeState {
  if (earlier?.state === 'completed') return { ...earlier, fromEarlierRun: true };
  return { id: action.id, type: action.type, state: 'pending', attempts: 0 };
}

function failRun(progress: RunProgress, node: NodeState): ApplicationFailure {
  const message = node.lastError ?? 'unknown error';
  progress.failure = { node: node.id, message };
  return ApplicationFailure.create({
    type: 'NodeFailed',
    message: `node "${node.id}" failed: ${message}`,
    details: [progress.failure],
    nonRetryable: true,
  });
}
