import type { Progress } from './progress';
import type { Sizes } from './sizes';
import type { Stack } from './stack';
import { SIDES, type Side, type SideName } from './sides';
import { spread, type Spread } from './stats';

export interface Bench {
  stack: Stack;
  sizes: Sizes;
  progress: Progress;
  /** Runs that should finish: how many were started, and how many were seen to finish. */
  tally: { started: number; finished: number };
}

/** Waits for every run to complete; any failed run fails the bench. */
export async function finish(b: Bench, workflowIds: readonly string[]): Promise<void> {
  b.tally.started += workflowIds.length;
  await Promise.all(workflowIds.map((id) => b.stack.client.workflow.getHandle(id).result()));
  b.tally.finished += workflowIds.length;
}

/**
 * Measures both sides once per repetition, alternating which goes first, so that neither
 * always meets the server warmer or more loaded than the other.
 */
export async function compare<T>(
  b: Bench,
  label: string,
  measure: (side: Side) => Promise<T>,
): Promise<Record<SideName, T[]>> {
  const results: Record<SideName, T[]> = { baseline: [], socktech: [] };
  for (let rep = 0; rep < b.sizes.reps; rep++) {
    const order = rep % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const name of order) {
      b.progress.step(`${label}: ${name} ${rep + 1}/${b.sizes.reps}`);
      results[name].push(await measure(b.stack.sides[name]));
    }
  }
  return results;
}

/** Both sides' spreads, and Socktech's median over the baseline's. */
export interface Comparison {
  baseline: Spread;
  socktech: Spread;
  ratio: number;
}

export function comparison(values: Record<SideName, number[]>): Comparison {
  const baseline = spread(values.baseline);
  const socktech = spread(values.socktech);
  return { baseline, socktech, ratio: socktech.median / baseline.median };
}
