import { compareSides, finish, perStore, type Bench, type StoreName } from './context';
import { newEmails } from './emails';
import { chunks, inParallel } from './pool';
import { rate, rateComparison, type Rate, type RateComparison } from './rate';
import { ALL_SIDES, type Side } from './sides';

/** Completed runs per second, from the first start to the last completion. */
function runsPerSecond(b: Bench, side: Side, runs: number): Promise<Rate> {
  const { batch, inFlight } = b.sizes.throughput;
  return rate(async () => {
    const finishing: Promise<void>[] = [];
    await inParallel(chunks(newEmails(runs), batch), inFlight, async (emails) => {
      finishing.push(finish(b, await side.start('flow', emails)));
    });
    await Promise.all(finishing);
    return runs;
  }, side.cpuElsewhereMs);
}

export async function warmUp(b: Bench): Promise<void> {
  for (const side of Object.values(b.stack.sides)) {
    b.progress.step(`warm-up: ${side.name}`);
    await runsPerSecond(b, side, b.sizes.warmup);
  }
}

/** Each Socktech, with its ledger, against the baseline, which has no store. */
export async function flowThroughput(b: Bench): Promise<Record<StoreName, RateComparison>> {
  const runs = b.sizes.throughput.runs;
  const rates = await compareSides(b, 'flow throughput', ALL_SIDES, (side) =>
    runsPerSecond(b, side, runs),
  );
  return perStore(rates, rateComparison);
}
