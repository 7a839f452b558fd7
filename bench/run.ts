import type { Bundles } from './bundles';
import type { Bench } from './context';
import { dagCost } from './dag';
import { ingest } from './ingest';
import { ledgerCost } from './ledger';
import { matchCost } from './match';
import { workerMemory } from './memory';
import type { Progress } from './progress';
import { reaction } from './reaction';
import type { Sizes } from './sizes';
import type { Stack } from './stack';
import { flowThroughput, warmUp } from './throughput';

export type Measurements = Awaited<ReturnType<typeof measure>>;

/** Every measurement, in an order that keeps the idle ones (reaction) before the heavy ones. */
export async function measure(stack: Stack, bundles: Bundles, sizes: Sizes, progress: Progress) {
  const b: Bench = { stack, sizes, progress, tally: { started: 0, finished: 0 } };
  await warmUp(b);
  const reactionMs = await reaction(b);
  const throughput = await flowThroughput(b);
  const ledger = await ledgerCost(b, throughput);
  const ingested = await ingest(b);
  const dag = await dagCost(b);
  const match = await matchCost(b);
  const memory = await workerMemory(b, bundles.socktech);
  progress.done();
  return {
    throughput,
    ledger,
    ingest: ingested,
    reaction: reactionMs,
    dag,
    match,
    memory,
    runs: b.tally,
    stores: stack.storeInfo,
  };
}
