import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EventResult } from '../src/ingest/ingest';
import { sleeper, threeActions } from './baseline/workflows';
import { FLOW_EVENT, SLEEP_EVENT } from './flows';
import { postJson } from './post';

/** `socktech`: with its store on PGlite; `socktechPostgres`: on PostgreSQL. */
export type SideName = 'baseline' | 'socktech' | 'socktechPostgres';
/** `flow`: the three actions; `sleep`: a run that waits a day (to measure starting alone). */
export type Kind = 'flow' | 'sleep';

export interface Side {
  name: SideName;
  /** The CPU time, ms, spent so far outside this process on this side's behalf. */
  cpuElsewhereMs?(): Promise<number>;
  /** Starts one run per address; resolves once all are accepted, with their workflow IDs. */
  start(kind: Kind, emails: string[]): Promise<string[]>;
}

/** The sides of most measurements: Socktech on one store, PGlite, whose ingest writes no ledger. */
export const PAIR = ['baseline', 'socktech'] as const;
/** The sides of the measurements the ledger is part of: Socktech on each store. */
export const ALL_SIDES = ['baseline', 'socktech', 'socktechPostgres'] as const;

/** Raw Temporal: one `workflow.start` per run, all of a batch at once, eager like Socktech. */
export function baselineSide(client: Client, taskQueue: string): Side {
  const workflow = { flow: threeActions, sleep: sleeper };
  return {
    name: 'baseline',
    start: (kind, emails) =>
      Promise.all(
        emails.map(async (email) => {
          const handle = await client.workflow.start(workflow[kind], {
            taskQueue,
            workflowId: `${workflow[kind].name}-${randomUUID()}`,
            args: [{ email, properties: { name: 'Ada' } }],
            requestEagerStart: true,
          });
          return handle.workflowId;
        }),
      ),
  };
}

/** Socktech: one POST /v1/events per batch; a batch of one is sent as a single event. */
export function socktechSide(
  name: SideName,
  apiUrl: string,
  cpuElsewhereMs?: () => Promise<number>,
): Side {
  const event = { flow: FLOW_EVENT, sleep: SLEEP_EVENT };
  return {
    name,
    start: (kind, emails) => postEvents(apiUrl, event[kind], emails),
    cpuElsewhereMs,
  };
}

export async function postEvents(
  apiUrl: string,
  name: string,
  emails: string[],
): Promise<string[]> {
  const events = emails.map((email) => ({ name, email, properties: { name: 'Ada' } }));
  const res = await postJson(
    `${apiUrl}/v1/events`,
    JSON.stringify(events.length === 1 ? events[0] : events),
  );
  if (res.status !== 202) throw new Error(`POST /v1/events: ${res.status} ${res.text}`);
  const body = JSON.parse(res.text) as { events: EventResult[] };
  return body.events.map(({ matched }) => {
    if (matched.length !== 1 || matched[0].outcome !== 'started') {
      throw new Error(`expected one started run, got ${JSON.stringify(matched)}`);
    }
    return matched[0].workflowId;
  });
}
