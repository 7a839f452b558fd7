import { z } from 'zod';
import { ROOT } from './edges';
import { buildGraph, type GraphNode } from './graph';
import { describeIssues } from './issues';
import type { FlowProblem } from './problems';
import { sampleProblems } from './sample';
import { actionSchema, flowFileSchema, type Action, type Flow } from './schema';
import { deriveVersion } from './version';
import { matchesWhere } from './where';

export type FlowResult = { ok: true; flow: Flow } | { ok: false; problems: FlowProblem[] };

// Actions are parsed one by one, so that each problem names its action and one broken action
// does not hide the problems of the others.
const headSchema = flowFileSchema
  .extend({ actions: z.array(z.unknown()).min(1, 'a flow needs at least one action') })
  .transform(({ sample, ...head }) => ({
    ...head,
    ...(sample && { sample: { ...sample, event: sample.event ?? head.trigger.event } }),
  }));

type Raw = Record<string, unknown>;

const isRaw = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function graphNode(raw: unknown): GraphNode[] {
  if (!isRaw(raw) || typeof raw.id !== 'string') return [];
  const after = Array.isArray(raw.after) ? raw.after.filter((e) => typeof e === 'string') : [];
  return [{ id: raw.id, type: typeof raw.type === 'string' ? raw.type : undefined, after }];
}

/**
 * Validates one parsed flow file and normalises it: defaults filled, durations in
 * milliseconds, actions in topological order. Every problem is reported, not just the first.
 */
export async function validateFlow(input: unknown, file?: string): Promise<FlowResult> {
  const raw = isRaw(input) ? input : {};
  const flowId = typeof raw.id === 'string' ? raw.id : undefined;
  const problems: FlowProblem[] = [];
  const report = (node: string | undefined, messages: string[]) =>
    problems.push(...messages.map((message) => ({ file, flow: flowId, node, message })));

  const head = headSchema.safeParse(input);
  if (!head.success) report(undefined, describeIssues(head.error, input));

  const rawActions = Array.isArray(raw.actions) ? raw.actions : [];
  const actions: Action[] = [];
  rawActions.forEach((rawAction, i) => {
    const parsed = actionSchema.safeParse(rawAction);
    if (parsed.success) actions.push(parsed.data);
    else {
      const node =
        isRaw(rawAction) && typeof rawAction.id === 'string' ? rawAction.id : `#${i + 1}`;
      report(node, describeIssues(parsed.error, rawAction));
    }
  });

  const graph = buildGraph(rawActions.flatMap(graphNode));
  for (const { node, message } of graph.problems) report(node, [message]);

  if (!head.success) return { ok: false, problems };
  const { trigger, sample } = head.data;
  const version = head.data.version ?? deriveVersion(input);
  if (sample) {
    if (sample.event === trigger.event && !matchesWhere(trigger.where, sample.properties)) {
      report(undefined, ['sample: properties do not match trigger.where']);
    }
    const flow = { id: head.data.id, name: head.data.name, version };
    for (const { node, message } of await sampleProblems(flow, sample, actions)) {
      report(node, [message]);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const byId = new Map(actions.map((action) => [action.id, action]));
  const ordered = graph.dag
    .topologicalSort()
    .filter((id) => id !== ROOT)
    .map((id) => byId.get(id) as Action);
  return { ok: true, flow: { ...head.data, version, actions: ordered } };
}
