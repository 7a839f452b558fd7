import { comparison, type Comparison, type PairName } from './context';

/**
 * A rate, and the CPU it cost this process (the worker, the API and the client) and, for a side
 * whose store is a server, that server's work for it.
 */
export interface Rate {
  perSecond: number;
  cpuMsPerUnit: number;
}

/**
 * Times `work`, which resolves with how many units (runs, events) it completed; `cpuElsewhereMs`
 * reads the CPU spent outside this process so far.
 */
export async function rate(
  work: () => Promise<number>,
  cpuElsewhereMs?: () => Promise<number>,
): Promise<Rate> {
  const elsewhere = (await cpuElsewhereMs?.()) ?? 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const units = await work();
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const elsewhereMs = ((await cpuElsewhereMs?.()) ?? 0) - elsewhere;
  return {
    perSecond: units / seconds,
    cpuMsPerUnit: ((user + system) / 1000 + elsewhereMs) / units,
  };
}

/** CPU time is less disturbed than wall time by whatever else the machine runs meanwhile. */
export interface RateComparison {
  perSecond: Comparison;
  cpuMsPerUnit: Comparison;
}

export function rateComparison(rates: Record<PairName, Rate[]>): RateComparison {
  const field = (key: keyof Rate) =>
    comparison({
      baseline: rates.baseline.map((r) => r[key]),
      socktech: rates.socktech.map((r) => r[key]),
    });
  return { perSecond: field('perSecond'), cpuMsPerUnit: field('cpuMsPerUnit') };
}
