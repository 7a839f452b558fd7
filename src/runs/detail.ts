import type { Client } from '@temporalio/client';
import { parseEdge } from '../flows/edges';
import { flowLevels } from '../flows/graph';
import type { RunProgress } from '../workflows/definitions';
import { ProgressUnavailable } from './errors';
import { describeRun, queryProgress } from './fetch';
import { runInput } from './input';
import type { RunDetail, TimelineNode } from './schemas';
import { summarize } from './visibility';

export interface RunsDeps {
  client: Client;
  /** Base URL of the Temporal Web UI; no links without it. */
  temporalUiUrl?: string;
}

/** A run with its nodes in breadth-first order, as the flow it was started with lays them out. */
export async function runDetail(
  { client, temporalUiUrl }: RunsDeps,
  workflowId: string,
  runId?: string,
): Promise<RunDetail> {
  const description = await describeRun(client, workflowId, runId);
  const run = summarize(description);
  const [input, progress] = await Promise.all([
    runInput(client, workflowId, run.runId),
    queryProgress(client, description).catch((err: unknown) => {
      if (err instanceof ProgressUnavailable) return err.message;
      throw err;
    }),
  ]);
  const answered = typeof progress !== 'string';
  return {
    run,
    event: input.event,
    nodes: answered ? timeline(flowLevels(input.flow), progress) : [],
    edges: input.flow.actions.flatMap(({ id, after }) =>
      after.map((text) => ({ ...parseEdge(text), to: id })),
    ),
    failure: answered ? (progress.failure ?? null) : null,
    exit: answered ? (progress.exit ?? null) : null,
    progressError: answered ? null : progress,
    temporalUi: temporalUiLink(temporalUiUrl, client.options.namespace, workflowId, run.runId),
  };
}

function timeline(levels: string[][], progress: RunProgress): TimelineNode[] {
  const byId = new Map(progress.nodes.map((node) => [node.id, node]));
  return levels.flatMap((ids, i) =>
    ids.flatMap((id) => {
      const node = byId.get(id);
      return node ? [{ ...node, level: i + 1 }] : [];
    }),
  );
}

export function temporalUiLink(
  base: string | undefined,
  namespace: string,
  workflowId: string,
  runId: string,
): string | null {
  if (!base) return null;
  const path = [namespace, 'workflows', workflowId, runId].map(encodeURIComponent).join('/');
  return `${base.replace(/\/+$/, '')}/namespaces/${path}/history`;
}
