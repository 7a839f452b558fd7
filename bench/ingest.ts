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
  /** At the fixed offered `rate`, single events: each percentile over the repetitions. */
  latencyMs: Record<'baseline' | 'socktech', Record<keyof Latency, Spread>>;
  rate: number;
}

export async function ingest(b: Bench): Promise<IngestResult> {
  const s = b.sizes.ingest;
  const single = await compare(b, 'ingest, single events', (side) =>
    acceptedPerSecond(side, 1, s.singleInFlight, s.seconds),
  );
  const batch = await compare(b, `ingest, batches of ${s.batch}`, (side) =>
    acceptedPerSecond(side, s.batch, s.batchInFlight, s.seconds),
  );
  // The closed loops leave the server busy with their aftermath for a few seconds.
  await sleep(s.settleSeconds * 1000);
  const rate = Math.max(
    1,
    Math.min(s.maxRate, Math.round(spread(single.baseline.map((r) => r.perSecond)).median / 2)),
  );
  const latency = await compare(b, `ingest at ${rate}/s`, (side) =>
    latencyAtRate(side, rate, s.rateSeconds),
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
