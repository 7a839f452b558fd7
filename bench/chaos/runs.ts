import type { Client } from '@temporalio/client';
import type { Flow } from '../../src/flows/schema';
import { userHash, workflowIdFor } from '../../src/ingest/identity';
import { inParallel } from '../pool';
import { sleep } from '../stats';
import type { ChaosEvent } from './client';

/** A run that an event must have started: its ID is Socktech's own deterministic one. */
export interface ExpectedRun {
  workflowId: string;
  flow: Flow;
  event: ChaosEvent;
}

export function expectedRuns(flows: readonly Flow[], events: readonly ChaosEvent[]): ExpectedRun[] {
  return events.flatMap((event) =>
    flows.map((flow) => ({
      workflowId: workflowIdFor(flow, userHash(event.email), event.id),
      flow,
      event,
    })),
  );
}

/** A run's status as Temporal reports it (COMPLETED, FAILED, RUNNING…), or NOT_FOUND. */
export type RunStatus = string;

async function statusOf(client: Client, workflowId: string): Promise<RunStatus | undefined> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return 'NOT_FOUND';
    // Temporal itself may be down for a moment: ask again on the next round.
    return undefined;
  }
}

/**
 * Polls until every run has closed, or none has for `patienceMs` (0: one look); resolves with
 * each run's last status. `onRound` hears how many are still open.
 */
export async function waitForRuns(
  client: Client,
  workflowIds: readonly string[],
  patienceMs: number,
  onRound: (open: number) => void = () => {},
): Promise<Map<string, RunStatus>> {
  const statuses = new Map<string, RunStatus>();
  let open = [...workflowIds];
  let progressAt = Date.now();
  for (;;) {
    await inParallel(open, 16, async (id) => {
      const status = await statusOf(client, id);
      if (status) statuses.set(id, status);
    });
    const stillOpen = open.filter((id) =>
      ['RUNNING', 'NOT_FOUND', undefined].includes(statuses.get(id)),
    );
    if (stillOpen.length < open.length) progressAt = Date.now();
    open = stillOpen;
    onRound(open.length);
    if (open.length === 0 || Date.now() - progressAt >= patienceMs) return statuses;
    await sleep(1_000);
  }
}
