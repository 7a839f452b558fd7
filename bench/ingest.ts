import { compare, type Bench } from './context';
import { newEmails } from './emails';
import { rate, rateComparison, type RateComparison } from './rate';
import type { Side } from './sides';
import { percentile, sleep, spread, type Spread } from './stats';

/** Closed loop: `inFlight` requests (or batches of starts) at all times, for `seconds`. */
function acceptedPerSecond(side: Side, batch: number, inFlight: number, seconds: number) {
  return rate(async () => {
    let accepted = 0;
    const until = performance.now() + seconds * 1000;
    const lane = async () => {
      while (performance.now() < until) {
        await side.start('sleep', newEmails(batch));
        accepted += batch;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return accepted;
  });
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Open loop: one event at each tick of a fixed schedule, whether or not earlier replies have
 * come; latency counts from the scheduled time, so a stall is not hidden by sending later.
 */
async function latencyAtRate(side: Side, rate: number, seconds: number): Promise<Latency> {
  const latencies: number[] = [];
  const replies: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    replies.push(
      side.start('sleep', newEmails(1)).then(() => {
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(replies);
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
}

export interface IngestResult {
  single: RateComparison;
  batch: RateComparison;
  batchSize: number;
  /** At `rate`, half what the baseline accepts, single events: each percentile over the repetitions. */
  latencyMs: Record<'baseline' | 'socktech', Record<keyof Latency, Spread>>;
  rate: number;
}

/**
 * Latency first: once the closed loops have left thousands of runs asleep (more than the
 * worker's cache holds), starts slow down on both sides, and latency would measure that.
 */
export async function ingest(b: Bench): Promise<IngestResult> {
  const s = b.sizes.ingest;
  const capacity = await acceptedPerSecond(b.stack.sides.baseline, 1, s.singleInFlight, 1);
  await sleep(s.settleSeconds * 1000);
  const rate = Math.max(1, Math.min(s.maxRate, Math.round(capacity.perSecond / 2)));
  const latency = await compare(b, `ingest at ${rate}/s`, (side) =>
    latencyAtRate(side, rate, s.rateSeconds),
  );
  const single = await compare(b, 'ingest, single events', (side) =>
    acceptedPerSecond(side, 1, s.singleInFlight, s.seconds),
  );
  const batch = await compare(b, `ingest, batches of ${s.batch}`, (side) =>
    acceptedPerSecond(side, s.batch, s.batchInFlight, s.seconds),
  );
  const percentiles = (runs: Latency[]) => ({
    p50: spread(runs.map((r) => r.p50)),
    p95: spread(runs.map((r) => r.p95)),
    p99: spread(runs.map((r) => r.p99)),
  });
  return {
    single: rateComparison(single),
    batch: rateComparison(batch),
    batchSize: s.batch,
    latencyMs: { baseline: percentiles(latency.baseline), socktech: percentiles(latency.socktech) },
    rate,
  };
}
