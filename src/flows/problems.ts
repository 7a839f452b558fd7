export interface FlowProblem {
  file?: string;
  flow?: string;
  /** The action the problem is in; absent for problems of the flow as a whole. */
  node?: string;
  message: string;
}

/** `flows/x.json: action "b": unknown parent "zz"` */
export function formatProblem({ file, flow, node, message }: FlowProblem): string {
  const where = [
    file ?? (flow === undefined ? undefined : `flow "${flow}"`),
    node === undefined ? undefined : `action "${node}"`,
  ];
  return [...where.filter((part) => part !== undefined), message].join(': ');
}

/** Lists every problem found, one per line, so a single run shows everything to fix. */
export class FlowValidationError extends Error {
  constructor(readonly problems: FlowProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'FlowValidationError';
  }
}
