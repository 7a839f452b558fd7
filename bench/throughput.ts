import { comparison, compare, finish, type Bench, type Comparison } from './context';
import { newEmails } from './emails';
import { chunks, inParallel } from './pool';
import type { Side } from './sides';

/** Completed runs per second, from the first start to the last completion. */
async function runsPerSecond(b: Bench, side: Side, runs: number): Promise<number> {
  const { batch, inFlight } = b.sizes.throughput;
  const finishing: Promise<void>[] = [];
  const started = performance.now();
  await inParallel(chunks(newEmails(runs), batch), inFlight, async (emails) => {
    finishing.push(finish(b, await side.start('flow', emails)));
  });
  await Promise.all(finishing);
  return runs / ((performance.now() - started) / 1000);
}

export async function warmUp(b: Bench): Promise<void> {
  for (const side of Object.values(b.stack.sides)) {
    b.progress.step(`warm-up: ${side.name}`);
    await runsPerSecond(b, side, b.sizes.warmup);
  }
}

export async function flowThroughput(b: Bench): Promise<Comparison> {
  const runs = b.sizes.throughput.runs;
  return comparison(await compare(b, 'flow throughput', (side) => runsPerSecond(b, side, runs)));
}
