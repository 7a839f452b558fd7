import { z } from 'zod';
import { ROOT } from './edges';
import { buildGraph, type GraphNode } from './graph';
import { capProblems } from './frequencyCap';
import { describeIssues } from './issues';
import { jsonBodyProblems } from './jsonBody';
import type { FlowProblem } from './problems';
import { sampleProblems } from './sample';
import {
  actionSchema,
  flowFileSchema,
  type Action,
  type Flow,
  type FlowFile,
  type Sample,
} from './schema';
import { splitEdgeProblems } from './split';
import { deriveVersion } from './version';
import { waitProblems } from './waits';

export type FlowResult = { ok: true; flow: Flow } | { ok: false; problems: FlowProblem[] };

// Each part is checked on its own (actions one by one, the sample apart from the head), so a
// problem names its action and no problem hides another.
const headSchema = flowFileSchema.extend({
  actions: z.array(z.unknown()).min(1, 'a flow needs at least one action'),
});
const { trigger: triggerSchema, sample: sampleSchema } = flowFileSchema.shape;

type Raw = Record<string, unknown>;

const isRaw = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const stringOr = (value: unknown, fallback: string) =>
  typeof value === 'string' ? value : fallback;

const actionName = (raw: unknown, index: number) => stringOr(isRaw(raw) && raw.id, `#${index + 1}`);

/** Exit events reach a run as waited-for events do: through its per-user workflow ID. */
function exitProblems({ reentry, exitOn }: Pick<FlowFile, 'reentry' | 'exitOn'>): FlowProblem[] {
  if (reentry !== 'every-event' || !exitOn?.length) return [];
  const message =
    'exitOn needs reentry "once" or "after-exit": an every-event run has a workflow ID per event, so a later event cannot find it';
  return [{ message }];
}

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
  const where: Pick<FlowProblem, 'file' | 'flow'> = {};
  if (file !== undefined) where.file = file;
  if (typeof raw.id === 'string') where.flow = raw.id;
  const problems: FlowProblem[] = [];
  const report = (found: Omit<FlowProblem, 'file' | 'flow'>[]) =>
    problems.push(...found.map((problem) => ({ ...where, ...problem })));

  const head = headSchema.safeParse(input);
  if (!head.success) report(describeIssues(head.error, input).map((message) => ({ message })));

  const rawActions = Array.isArray(raw.actions) ? raw.actions : [];
  const actions: Action[] = [];
  rawActions.forEach((rawAction, i) => {
    const parsed = actionSchema.safeParse(rawAction);
    if (parsed.success) actions.push(parsed.data);
    else {
      const node = actionName(rawAction, i);
      report(describeIssues(parsed.error, rawAction).map((message) => ({ node, message })));
    }
  });

  report(jsonBodyProblems(actions));
  report(splitEdgeProblems(actions));

  const graph = buildGraph(rawActions.flatMap(graphNode));
  report(graph.problems);
  if (head.success) {
    report(waitProblems(actions, graph.dag, head.data.reentry));
    report(exitProblems(head.data));
    report(capProblems(actions, head.data.category));
  }

  const version = stringOr(raw.version, deriveVersion(input));
  const trigger = triggerSchema.safeParse(raw.trigger);
  const parsedSample = sampleSchema.safeParse(raw.sample);
  let sample: Sample | undefined;
  if (trigger.success && parsedSample.success && parsedSample.data) {
    sample = { ...parsedSample.data, event: parsedSample.data.event ?? trigger.data.event };
    const flow = { id: stringOr(raw.id, ''), name: stringOr(raw.name, ''), version };
    report(await sampleProblems({ ...flow, trigger: trigger.data }, sample, actions));
  }

  if (!head.success || problems.length > 0) return { ok: false, problems };
  const { id, name, description, reentry, category, timezone, exitOn, frequencyCap } = head.data;
  const byId = new Map(actions.map((action) => [action.id, action]));
  const ordered = graph.dag
    .topologicalSort()
    .filter((actionId) => actionId !== ROOT)
    .map((actionId) => byId.get(actionId) as Action);
  const flow: Flow = {
    id,
    name,
    ...(description === undefined ? {} : { description }),
    version,
    reentry,
    category,
    trigger: head.data.trigger,
    ...(timezone === undefined ? {} : { timezone }),
    ...(exitOn === undefined ? {} : { exitOn }),
    ...(frequencyCap === undefined ? {} : { frequencyCap }),
    ...(sample === undefined ? {} : { sample }),
    actions: ordered,
  };
  return { ok: true, flow };
}
