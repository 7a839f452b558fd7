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

// The schema reports malformed edges; here they are simply left out.
function edgesOf(node: GraphNode): Edge[] {
  return node.after.flatMap((text) => {
    try {
      return [parseEdge(text)];
    } catch {
      return [];
    }
  });
}

function labelProblem(dag: FlowDag, { from, label }: Edge): string | undefined {
  const outcomes = outcomesOf(dag.get(from));
  if (label === undefined || outcomes === undefined || outcomes.includes(label)) return undefined;
  const known = outcomes.length === 0 ? 'none' : outcomes.join(', ');
  return `"${label}" is not an outcome of "${from}" (${dag.get(from)} outcomes: ${known})`;
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
  for (const node of added) {
    const edges = edgesOf(node);
    if (edges.length === 0) dag.addEdge(ROOT, node.id);
    const seen = new Set<string>();
    for (const edge of edges) {
      const text = edge.label === undefined ? edge.from : `${edge.from}:${edge.label}`;
      if (seen.has(text)) {
        problems.push({ node: node.id, message: `after lists "${text}" twice` });
        continue;
      }
      seen.add(text);
      if (!dag.has(edge.from)) {
        problems.push({ node: node.id, message: `unknown parent "${edge.from}"` });
        continue;
      }
      const label = labelProblem(dag, edge);
      if (label) problems.push({ node: node.id, message: label });
      try {
        dag.addEdge(edge.from, node.id);
      } catch (err) {
        if (!(err instanceof CycleError)) throw err;
        problems.push({ node: node.id, message: err.message });
      }
    }
  }
  return { dag, problems };
}

/** The actions grouped by what can run together, level 1 being right after the trigger. */
export function flowLevels(flow: Flow): string[][] {
  return buildGraph(flow.actions).dag.levels().slice(1);
}
