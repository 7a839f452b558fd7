import { comparison, type Comparison } from './context';
import type { SideName } from './sides';

/** A rate, and the CPU it cost this process: the worker, the API and the client. */
export interface Rate {
  perSecond: number;
  cpuMsPerUnit: number;
}

/** Times `work`, which resolves with how many units (runs, events) it completed. */
export async function rate(work: () => Promise<number>): Promise<Rate> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const units = await work();
  const { user, system } = process.cpuUsage(cpu);
  return {
    perSecond: units / ((performance.now() - started) / 1000),
    cpuMsPerUnit: (user + system) / 1000 / units,
  };
}

/** CPU time is less disturbed than wall time by whatever else the machine runs meanwhile. */
export interface RateComparison {
  perSecond: Comparison;
  cpuMsPerUnit: Comparison;
}

export function rateComparison(rates: Record<SideName, Rate[]>): RateComparison {
  const field = (key: keyof Rate) =>
    comparison({
      baseline: rates.baseline.map((r) => r[key]),
      socktech: rates.socktech.map((r) => r[key]),
    });
  return { perSecond: field('perSecond'), cpuMsPerUnit: field('cpuMsPerUnit') };
}
