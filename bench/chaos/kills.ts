import { Client as PgClient } from 'pg';
import type { SendEmailAction } from '../../src/flows/schema';
import { sleep } from '../stats';
import { sendAll, statusCounts, type Reply } from './client';
import { CHAOS_FLOWS } from './flows';
import { between } from './random';
import { chaosEvents, seconds, settle, type Note, type ScenarioFigures } from './scenario';
import { expectedRuns, type ExpectedRun } from './runs';
import { untilHealthy } from './socktech';
import type { ChaosSystem } from './system';
import { callSource } from './tally';

export interface KillSizes {
  runs: number;
  kills: number;
  /** Seconds from a wave of events beginning to the kill that meets it, drawn at random. */
  gapS: [number, number];
}

/** Events per second within a wave: a burst that puts its runs in flight together. */
const WAVE_RATE = 20;
/** How long a kill waits for a webhook call to land on before it goes ahead anyway. */
const CALL_WAIT_MS = 5_000;

interface Victim {
  scenario: 'workerKills' | 'temporalKills';
  label: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/**
 * The runs' events come in one wave per kill, each retried until accepted. At a random moment
 * into each wave, on the next webhook call (held unanswered, in flight), the victim is
 * SIGKILLed and started again.
 */
async function underKills(
  sys: ChaosSystem,
  victim: Victim,
  sizes: KillSizes,
  random: () => number,
  note: Note,
  midway: () => Promise<string | undefined> = async () => undefined,
): Promise<ScenarioFigures> {
  const { scenario } = victim;
  const events = chaosEvents(scenario, CHAOS_FLOWS[scenario].event, sizes.runs);
  const perWave = Math.ceil(events.length / sizes.kills);
  const replies: Reply[] = [];
  const sending: Promise<void>[] = [];
  note(`${sizes.runs} events in ${sizes.kills} waves, a kill of ${victim.label} in each`);

  const recoveryS: number[] = [];
  const notes: string[] = [];
  const runs = expectedRuns(sys.flows[scenario], events);
  /** Copies of each interrupted run's first email when the kill met it. */
  const interrupted = new Map<string, number>();
  for (let k = 1; k <= sizes.kills; k++) {
    const wave = events.slice((k - 1) * perWave, k * perWave);
    sending.push(sendAll(sys.socktech.url, wave, WAVE_RATE, replies));
    await sleep(between(random, sizes.gapS));
    // The moment that tests a send: a kill while every run sleeps in its delay tests nothing.
    const held = await sys.sink.nextCall(CALL_WAIT_MS);
    const killedAt = performance.now();
    await victim.kill();
    held.answer();
    const workflowId = held.key && callSource(held.key).workflowId;
    if (workflowId && !interrupted.has(workflowId)) {
      interrupted.set(workflowId, await firstEmails(sys, runs, workflowId));
    }
    await victim.start();
    await untilHealthy(sys.socktech.url);
    recoveryS.push(seconds(performance.now() - killedAt));
    note(`kill ${k}/${sizes.kills}: whole again in ${recoveryS.at(-1)} s`);
    if (k === Math.ceil(sizes.kills / 2)) {
      const done = await midway();
      if (done) {
        notes.push(done);
        note(done);
      }
    }
  }
  await Promise.all(sending);
  note('every event accepted; waiting for the runs');
  const settled = await settle(sys, scenario, events, note);
  let resent = 0;
  for (const [workflowId, atKill] of interrupted) {
    resent += (await firstEmails(sys, runs, workflowId)) - atKill;
  }
  const refused = replies.filter((r) => !r.accepted);
  notes.push(
    `${replies.length} POSTs for ${events.length} events; not accepted, then retried: ` +
      `${statusCounts(refused)} (0: no answer)`,
    `kills that met a webhook call in flight: ${interrupted.size}; the emails those runs ` +
      `had sent before it, sent again: ${resent}`,
  );
  return {
    scenario,
    label: `${victim.label} SIGKILLed`,
    ...settled,
    kills: sizes.kills,
    recoveryS,
    notes,
    failures: resent > 0 ? [`emails done before a kill, sent again: ${resent}`] : [],
  };
}

/**
 * How many copies of a run's first email the sink has. A kill that meets the run's webhook call
 * finds that email done (and recorded): a copy after the kill is a duplicate the ledger exists
 * to stop, unlike the call in flight.
 */
async function firstEmails(
  sys: ChaosSystem,
  runs: readonly ExpectedRun[],
  workflowId: string,
): Promise<number> {
  const run = runs.find((r) => r.workflowId === workflowId)!;
  const first = run.flow.actions.find((a): a is SendEmailAction => a.type === 'sendEmail')!;
  const mails = await sys.sink.mails();
  return mails.filter((m) => m.to === run.event.email && m.subject === first.subject).length;
}

/** Scenario 1: `npm start`'s process (worker, API, store) SIGKILLed and started again. */
export function workerKills(sys: ChaosSystem, sizes: KillSizes, random: () => number, note: Note) {
  return underKills(
    sys,
    {
      scenario: 'workerKills',
      label: 'worker+API',
      kill: () => sys.socktech.kill(),
      start: () => sys.socktech.start(),
    },
    sizes,
    random,
    note,
  );
}

/**
 * Scenario 2: the Temporal server SIGKILLed and started again on the same file database; with
 * DATABASE_URL, midway, every other connection to that database is terminated once.
 */
export function temporalKills(
  sys: ChaosSystem,
  sizes: KillSizes,
  random: () => number,
  note: Note,
) {
  return underKills(
    sys,
    {
      scenario: 'temporalKills',
      label: 'Temporal server',
      kill: () => sys.temporal.kill(),
      start: () => sys.temporal.start(),
    },
    sizes,
    random,
    note,
    killPostgresConnections,
  );
}

async function killPostgresConnections(): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  if (!url) return undefined;
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const { rowCount } = await pg.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return `PostgreSQL (DATABASE_URL): ${rowCount} connections terminated once, midway`;
  } finally {
    await pg.end();
  }
}
