/** Node ids never contain a colon, so `parent:label` splits unambiguously. */
export const NODE_ID = /^[A-Za-z0-9_-]+$/;

/** The id of the trigger node, the root every flow starts from. */
export const ROOT = 'trigger';

export interface Edge {
  from: string;
  /** The parent's outcome this edge follows; without one, the edge follows any outcome. */
  label?: string;
}

/** `'wait'` → `{ from: 'wait' }`, `'wait:timedOut'` → `{ from: 'wait', label: 'timedOut' }`. */
export function parseEdge(text: string): Edge {
  const [from, label, ...rest] = text.split(':');
  if (!NODE_ID.test(from) || (label !== undefined && !NODE_ID.test(label)) || rest.length > 0) {
    throw new Error(`${JSON.stringify(text)} is not "nodeId" or "nodeId:label"`);
  }
  return label === undefined ? { from } : { from, label };
}
