// Imported by workflow code: pure. A run takes the path this file picks, in its first
// execution, a rerun and every replay alike.

import { parseEdge } from './edges';
import type { FlowProblem } from './problems';
import type { Action } from './schema';

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so nearby inputs spread out. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The path of a split for one user: a point in [0, 1) from the hash, on the weights laid end to
 * end in label order (not the file's key order, which a rewrite of the file may change). The
 * node id is in the hash too, so that two splits of one flow divide users independently.
 */
export function splitPath(
  paths: Readonly<Record<string, number>>,
  key: { flowId: string; nodeId: string; userHash: string },
): string {
  const labels = Object.keys(paths).sort();
  const total = labels.reduce((sum, label) => sum + paths[label], 0);
  let point = (hash32(`${key.flowId}\n${key.nodeId}\n${key.userHash}`) / 2 ** 32) * total;
  for (const label of labels) {
    point -= paths[label];
    if (point < 0) return label;
  }
  // Only rounding gets here: the point was at the very end.
  return labels.findLast((label) => paths[label] > 0)!;
}

/** Each edge from a split names one of its paths: `"ab:a"`; a plain edge follows every path. */
export function splitEdgeProblems(actions: readonly Action[]): FlowProblem[] {
  const splits = new Map(actions.flatMap((a) => (a.type === 'split' ? [[a.id, a.paths]] : [])));
  return actions.flatMap(({ id, after }) =>
    after.flatMap((text): FlowProblem[] => {
      const { from, label } = parseEdge(text);
      const paths = splits.get(from);
      if (!paths || label === undefined || Object.hasOwn(paths, label)) return [];
      const known = Object.keys(paths).join(', ');
      return [
        { node: id, message: `"${label}" is not a path of split "${from}" (paths: ${known})` },
      ];
    }),
  );
}
