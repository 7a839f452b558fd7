/** How much each part measures; `--quick` is a smoke run. */
export interface Sizes {
  /** Repetitions of every point. */
  reps: number;
  /** Runs started before counting, on each side. */
  warmup: number;
  /** Flow throughput: runs per repetition, sent as batches of `batch`, `inFlight` at a time. */
  throughput: { runs: number; batch: number; inFlight: number };
  /**
   * Ingest: open loop for `rateSeconds` at `maxRate` events/s, or at half what the baseline
   * accepts if less (past capacity, latency only measures a queue), after a pause of
   * `settleSeconds`; then closed loops for `seconds`.
   */
  ingest: {
    seconds: number;
    batch: number;
    singleInFlight: number;
    batchInFlight: number;
    maxRate: number;
    rateSeconds: number;
    settleSeconds: number;
  };
  /** The send ledger alone: runs' worth of its store work, at each of `inFlight` at a time. */
  ledger: { runs: number; inFlight: number[] };
  /** Reaction time: runs, one at a time, per repetition. */
  reactionSamples: number;
  dagNodes: number[];
  matchFlows: number[];
  asleepRuns: number[];
}

// Five short repetitions rather than three long ones: on a machine others share, a burst of
// their work then disturbs both sides of a repetition more alike.
export const FULL: Sizes = {
  reps: 5,
  warmup: 100,
  throughput: { runs: 300, batch: 100, inFlight: 2 },
  ingest: {
    seconds: 3,
    batch: 100,
    singleInFlight: 16,
    batchInFlight: 2,
    maxRate: 200,
    rateSeconds: 4,
    settleSeconds: 3,
  },
  ledger: { runs: 2_000, inFlight: [100, 1] },
  reactionSamples: 100,
  dagNodes: [10, 100, 500],
  matchFlows: [1, 100, 10_000],
  asleepRuns: [0, 1_000, 10_000],
};

export const QUICK: Sizes = {
  reps: 3,
  warmup: 20,
  throughput: { runs: 60, batch: 20, inFlight: 2 },
  ingest: {
    seconds: 1,
    batch: 20,
    singleInFlight: 8,
    batchInFlight: 2,
    maxRate: 200,
    rateSeconds: 1,
    settleSeconds: 1,
  },
  ledger: { runs: 300, inFlight: [40, 1] },
  reactionSamples: 15,
  dagNodes: [10, 30],
  matchFlows: [1, 100, 1_000],
  asleepRuns: [0, 50, 300],
};

/** Progress steps: one per measured point and side, and per repetition. */
export function steps(s: Sizes): number {
  const perRep = 3 /* throughput */ + 6 /* ingest */ + 3 /* reaction */ + s.dagNodes.length;
  const ledger = 2 * s.ledger.inFlight.length;
  return 3 /* warm-up */ + s.reps * perRep + ledger + s.matchFlows.length + s.asleepRuns.length;
}
