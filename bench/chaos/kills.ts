import { Client as PgClient } from 'pg';
import { sleep } from '../stats';
import { sendAll, statusCounts, type Reply } from './client';
import { CHAOS_FLOWS } from './flows';
import { between } from './random';
import { chaosEvents, seconds, settle, type Note, type ScenarioFigures } from './scenario';
import { untilHealthy } from './socktech';
import type { ChaosSystem } from './system';
import { deliveriesTaken, type Taken } from './tally';

export interface KillSizes {
  runs: number;
  kills: number;
  /** Seconds from a wave of events beginning to the kill that meets it, drawn at random. */
  gapS: [number, number];
}

/** Events per second within a wave: a burst that puts its runs in flight together. */
const WAVE_RATE = 20;
/**
 * What the sink takes from this long before a kill until the killed process's last bytes are in
 * counts as in flight at the kill. The ledger records a send within 30 ms of the provider's
 * acceptance on this machine under this load, so a kill stops only these from being recorded;
 * without the ledger, sends done up to 350 ms before a kill went again.
 */
const IN_FLIGHT_BEFORE_MS = 100;
const IN_FLIGHT_AFTER_MS = 250;

interface Victim {
  scenario: 'workerKills' | 'temporalKills';
  label: string;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/**
 * The runs' events come in one wave per kill, each retried until accepted. At a random moment
 * into each wave the victim is SIGKILLed and started again. A send in flight at a kill may go
 * again, once for that kill (at least once); any other copy is a duplicate the ledger exists to
 * stop.
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
  /** Date.now() spans in which a send was in flight at a kill. */
  const inFlight: [number, number][] = [];
  for (let k = 1; k <= sizes.kills; k++) {
    const wave = events.slice((k - 1) * perWave, k * perWave);
    sending.push(sendAll(sys.socktech.url, wave, WAVE_RATE, replies));
    await sleep(between(random, sizes.gapS));
    const killedAt = performance.now();
    const from = Date.now() - IN_FLIGHT_BEFORE_MS;
    await victim.kill();
    inFlight.push([from, Date.now() + IN_FLIGHT_AFTER_MS]);
    await victim.start();
    await untilHealthy(sys.socktech.url);
    recoveryS.push(seconds(performance.now() - killedAt));
    note(`kill ${k}/${sizes.kills}: whole again in ${recoveryS.at(-1)} s`);
    if (k === Math.ceil(sizes.kills / 2)) {
      const said = await midway();
      if (said) {
        notes.push(said);
        note(said);
      }
    }
  }
  await Promise.all(sending);
  note('every event accepted; waiting for the runs');
  const settled = await settle(sys, scenario, events, note);
  const { perKill, explained } = inFlightCopies(await deliveriesTaken(sys.sink), inFlight);
  const refused = replies.filter((r) => !r.accepted);
  notes.push(
    `${replies.length} POSTs for ${events.length} events; not accepted, then retried: ` +
      `${statusCounts(refused)} (0: no answer)`,
    `sends in flight at each kill (the sink took them from ${IN_FLIGHT_BEFORE_MS} ms before ` +
      `it until the killed process's last bytes were in): ${perKill.join(', ')}; duplicates ` +
      `of those: ${explained}, of any other send: ${settled.deliveries.duplicates - explained}`,
  );
  return {
    scenario,
    label: `${victim.label} SIGKILLed`,
    ...settled,
    kills: sizes.kills,
    explainedDuplicates: explained,
    recoveryS,
    notes,
    failures: [],
  };
}

/**
 * How many sends each kill met in flight, and how many copies those explain: a send in flight
 * at a kill may go once more for it.
 */
function inFlightCopies(
  taken: readonly Taken[],
  spans: readonly [number, number][],
): { perKill: number[]; explained: number } {
  const copies = new Map<string, number>();
  for (const { key } of taken) copies.set(key, (copies.get(key) ?? 0) + 1);
  const met = new Map<string, number>();
  const perKill = spans.map(([from, to]) => {
    const keys = new Set(taken.filter((t) => t.at >= from && t.at <= to).map((t) => t.key));
    for (const key of keys) met.set(key, (met.get(key) ?? 0) + 1);
    return keys.size;
  });
  let explained = 0;
  for (const [key, kills] of met) explained += Math.min(copies.get(key)! - 1, kills);
  return { perKill, explained };
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
