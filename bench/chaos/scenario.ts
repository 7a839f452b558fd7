import type { ChaosEvent } from './client';
import { expectedRuns, waitForRuns, type ExpectedRun } from './runs';
import type { ScenarioName } from './flows';
import type { ChaosSystem } from './system';
import { tallyDeliveries, type DeliveryTally } from './tally';

/** One scenario's figures: the table's row, and the details behind it. */
export interface ScenarioResult {
  scenario: ScenarioName;
  label: string;
  runs: { expected: number; completed: number; byStatus: Record<string, number> };
  deliveries: DeliveryTally;
  kills: number;
  /**
   * Duplicates a kill explains: copies of sends in flight at it, one per kill. Absent: one per
   * kill or outage.
   */
  explainedDuplicates?: number;
  /** Seconds from each kill or outage until the system was whole again. */
  recoveryS: number[];
  /** Times Socktech's process exited without being killed (and was started again). */
  crashes: number;
  notes: string[];
  /** What the scenario itself expected and did not see, beyond the targets every one shares. */
  failures: string[];
  durationS: number;
}

/** What a scenario measures itself; the runner adds the rest. */
export type ScenarioFigures = Omit<ScenarioResult, 'crashes' | 'durationS'>;

/** Progress on stderr. */
export type Note = (line: string) => void;

/** The scenario's `i`th event: a user of its own, and the client's own dedupe key. */
export const chaosEvent = (scenario: ScenarioName, name: string, i: number): ChaosEvent => ({
  name,
  email: `u${i}@${scenario.toLowerCase()}.chaos.local`,
  id: `${scenario}-${i}`,
  properties: {},
});

export const chaosEvents = (scenario: ScenarioName, name: string, count: number) =>
  Array.from({ length: count }, (_, i) => chaosEvent(scenario, name, i));

export const seconds = (ms: number) => Math.round(ms / 100) / 10;

// A run's actions retry every 2 s at most: a minute without any run closing is a stuck system.
const PATIENCE_MS = 60_000;

/** Waits for the runs the events must have started, then counts them and their deliveries. */
export async function settle(
  sys: ChaosSystem,
  scenario: ScenarioName,
  events: readonly ChaosEvent[],
  note: Note,
): Promise<Pick<ScenarioResult, 'runs' | 'deliveries'> & { expected: ExpectedRun[] }> {
  const expected = expectedRuns(sys.flows[scenario], events);
  let last = -1;
  const statuses = await waitForRuns(
    sys.client,
    expected.map((r) => r.workflowId),
    PATIENCE_MS,
    (open) => {
      if (open !== last && open > 0) note(`${open} of ${expected.length} runs still open`);
      last = open;
    },
  );
  const byStatus: Record<string, number> = {};
  for (const { workflowId } of expected) {
    const status = statuses.get(workflowId) ?? 'UNKNOWN';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const deliveries = tallyDeliveries(expected, await sys.sink.mails(), sys.sink.webhookCalls());
  return {
    expected,
    runs: { expected: expected.length, completed: byStatus.COMPLETED ?? 0, byStatus },
    deliveries,
  };
}

/**
 * The targets: no run lost, no delivery lost, no duplicate but of a send in flight at a kill or
 * outage; and the scenario's own.
 */
export function missedTargets(r: ScenarioResult): string[] {
  const missed = [...r.failures];
  const lostRuns = r.runs.expected - r.runs.completed;
  if (lostRuns > 0) missed.push(`${lostRuns} runs lost`);
  if (r.deliveries.lost > 0) missed.push(`${r.deliveries.lost} deliveries lost`);
  const { duplicates } = r.deliveries;
  const explained = r.explainedDuplicates ?? Math.min(duplicates, r.kills);
  if (duplicates > explained) {
    missed.push(`${duplicates - explained} duplicates of sends not in flight at a kill or outage`);
  }
  return missed;
}
