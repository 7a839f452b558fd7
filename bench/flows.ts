import type { Flow, FlowFile } from '../src/flows/schema';
import { validateFlow } from '../src/flows/validate';
import { FLOW_TEMPLATES as t, SLEEP_MS } from './templates';

export const FLOW_EVENT = 'bench.flow';
export const SLEEP_EVENT = 'bench.sleep';
export const dagEvent = (nodes: number) => `bench.dag.${nodes}`;

/** Validated and normalised exactly as a flow file is. */
export async function flow(file: FlowFile): Promise<Flow> {
  const result = await validateFlow(file);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.flow;
}

/** The baseline's threeActions as a DAG: the file, which `--scale` gives its API processes. */
export const THREE_ACTIONS: FlowFile = {
  id: 'bench-flow',
  name: 'Bench flow',
  trigger: { event: FLOW_EVENT },
  actions: [
    { id: 'email1', type: 'sendEmail', ...t.email1 },
    { id: 'email2', type: 'sendEmail', after: ['email1'], ...t.email2 },
    { id: 'hook', type: 'webhook', ...t.hook },
  ],
};

export const threeActionsFlow = () => flow(THREE_ACTIONS);

/** The baseline's sleeper as a DAG of one delay. */
export const sleepFlow = () =>
  flow({
    id: 'bench-sleep',
    name: 'Bench sleep',
    trigger: { event: SLEEP_EVENT },
    actions: [{ id: 'wait', type: 'delay', duration: `${SLEEP_MS}ms` }],
  });

/** Layers of `width` webhooks, each node after every node of the layer before. */
export function layeredDag(nodes: number, width = 5): Promise<Flow> {
  const id = (i: number) => `n${i}`;
  const actions = Array.from({ length: nodes }, (_, i) => {
    const layer = Math.floor(i / width);
    const previous = Array.from({ length: width }, (_, j) => (layer - 1) * width + j);
    return {
      id: id(i),
      type: 'webhook' as const,
      url: '/dag',
      after: layer === 0 ? [] : previous.filter((p) => p < nodes).map(id),
    };
  });
  return flow({
    id: `bench-dag-${nodes}`,
    name: `Bench DAG of ${nodes}`,
    trigger: { event: dagEvent(nodes) },
    actions,
  });
}

export const ASLEEP_EVENT = 'bench.asleep';

/** A webhook (so the worker can say the run got that far), then a day's wait. */
export const asleepFlow = () =>
  flow({
    id: 'bench-asleep',
    name: 'Bench asleep',
    trigger: { event: ASLEEP_EVENT },
    actions: [
      { id: 'ping', type: 'webhook', url: '/asleep' },
      { id: 'wait', type: 'delay', after: ['ping'], duration: `${SLEEP_MS}ms` },
    ],
  });

/** Every flow the bench's Socktech serves. */
export const benchFlows = (dagNodes: readonly number[]) =>
  Promise.all([threeActionsFlow(), sleepFlow(), ...dagNodes.map((n) => layeredDag(n))]);
