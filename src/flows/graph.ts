import { CycleError, Dag } from './dag';
import { parseEdge, ROOT, type Edge } from './edges';
import type { FlowProblem } from './problems';
import { OUTCOMES, type Flow } from './schema';

/** What the graph needs of an action, so even an otherwise invalid action takes part. */
export interface GraphNode {
  id: string;
  type?: string;
  after: readonly string[];
}

/** Node values are action types; the root's is `trigger`. */
export type FlowDag = Dag<string | undefined>;

function outcomesOf(type: string | undefined): readonly string[] | undefined {
  if (type === ROOT) return [];
  return type !== undefined && Object.hasOwn(OUTCOMES, type)
    ? OUTCOMES[type as keyof typeof OUTCOMES]
    : undefined;
}

// The schema reports malformed edges; the graph simply leaves them out.
function edgeOf(text: string): Edge | undefined {
  try {
    return parseEdge(text);
  } catch {
    return undefined;
  }
}

function labelProblems(dag: FlowDag, { from, label }: Edge): string[] {
  const outcomes = outcomesOf(dag.get(from));
  if (label === undefined || outcomes === undefined || outcomes.includes(label)) return [];
  const known = outcomes.length === 0 ? 'none' : outcomes.join(', ');
  return [`"${label}" is not an outcome of "${from}" (${dag.get(from)} outcomes: ${known})`];
}

/** Adds the edge `text` into `child`, and says what is wrong with it. */
function addEdge(dag: FlowDag, child: string, text: string): string[] {
  const edge = edgeOf(text);
  if (!edge) return [];
  if (!dag.has(edge.from)) return [`unknown parent "${edge.from}"`];
  const problems = labelProblems(dag, edge);
  try {
    dag.addEdge(edge.from, child);
  } catch (err) {
    if (!(err instanceof CycleError)) throw err;
    problems.push(err.message);
  }
  return problems;
}

/** The trigger plus one node per action, with every problem that kept an edge out. */
export function buildGraph(nodes: readonly GraphNode[]): { dag: FlowDag; problems: FlowProblem[] } {
  const dag: FlowDag = new Dag();
  const problems: FlowProblem[] = [];
  dag.addNode(ROOT, ROOT);
  const added: GraphNode[] = [];
  for (const node of nodes) {
    // An action named like the root is already refused by the schema.
    if (node.id === ROOT) continue;
    if (dag.has(node.id)) {
      problems.push({ node: node.id, message: `duplicate id "${node.id}"` });
      continue;
    }
    dag.addNode(node.id, node.type);
    added.push(node);
  }
  for (const { id, after } of added) {
    const messages = after.flatMap((text, i) =>
      after.indexOf(text) < i ? [`after lists "${text}" twice`] : addEdge(dag, id, text),
    );
    problems.push(...messages.map((message) => ({ node: id, message })));
    if (dag.parents(id).length === 0) dag.addEdge(ROOT, id);
  }
  return { dag, problems };
}

/** The actions grouped by what can run together, level 1 being right after the trigger. */
export function flowLevels(flow: Flow): string[][] {
  return buildGraph(flow.actions).dag.levels().slice(1);
}
