import { compareSides, finish, type Bench } from './context';
import { newEmails } from './emails';
import { ALL_SIDES, type SideName } from './sides';
import { percentile, sleep, spread, type Spread } from './stats';

export type ReactionResult = Record<SideName, { p50: Spread; p99: Spread }>;

/**
 * From sending the start (for Socktech, the POST) to the first action beginning, one run at a
 * time on an otherwise idle worker.
 */
export async function reaction(b: Bench): Promise<ReactionResult> {
  const samples = await compareSides(b, 'reaction time', ALL_SIDES, async (side) => {
    const times: number[] = [];
    for (let i = 0; i < b.sizes.reactionSamples; i++) {
      const sent = Date.now();
      const [id] = await side.start('flow', newEmails(1));
      await finish(b, [id]);
      times.push(b.stack.recorder.firstStart(id)! - sent);
      await sleep(10);
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  });
  const summary = (runs: { p50: number; p99: number }[]) => ({
    p50: spread(runs.map((r) => r.p50)),
    p99: spread(runs.map((r) => r.p99)),
  });
  return {
    baseline: summary(samples.baseline),
    socktech: summary(samples.socktech),
    socktechPostgres: summary(samples.socktechPostgres),
  };
}
