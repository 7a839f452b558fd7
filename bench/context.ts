import type { Progress } from './progress';
import type { Sizes } from './sizes';
import type { Stack } from './stack';
import { PAIR, type Side, type SideName } from './sides';
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

/** The baseline and Socktech on PGlite: the sides of the parts measured on one store. */
export type PairName = (typeof PAIR)[number];

/** The baseline and Socktech on PGlite, once per repetition (see compareSides). */
export function compare<T>(
  b: Bench,
  label: string,
  measure: (side: Side) => Promise<T>,
): Promise<Record<PairName, T[]>> {
  return compareSides(b, label, PAIR, measure);
}

/**
 * Measures each of the sides `names` once per repetition, alternating which goes first, so that
 * none always meets the server warmer or more loaded than the others.
 */
export async function compareSides<T, N extends SideName>(
  b: Bench,
  label: string,
  names: readonly N[],
  measure: (side: Side) => Promise<T>,
): Promise<Record<N, T[]>> {
  const results = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<N, T[]>;
  for (let rep = 0; rep < b.sizes.reps; rep++) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      b.progress.step(`${label}: ${name} ${rep + 1}/${b.sizes.reps}`);
      results[name].push(await measure(b.stack.sides[name]));
    }
  }
  return results;
}

/** Socktech with its store on PGlite, and on PostgreSQL. */
export type StoreName = 'pglite' | 'postgres';

/** Each Socktech against the same baseline figures, by store. */
export function perStore<T, R>(
  values: Record<SideName, T>,
  against: (pair: Record<PairName, T>) => R,
): Record<StoreName, R> {
  return {
    pglite: against({ baseline: values.baseline, socktech: values.socktech }),
    postgres: against({ baseline: values.baseline, socktech: values.socktechPostgres }),
  };
}

/** Both sides' spreads, and Socktech's median over the baseline's. */
export interface Comparison {
  baseline: Spread;
  socktech: Spread;
  ratio: number;
}

export function comparison(values: Record<PairName, number[]>): Comparison {
  const baseline = spread(values.baseline);
  const socktech = spread(values.socktech);
  return { baseline, socktech, ratio: socktech.median / baseline.median };
}
