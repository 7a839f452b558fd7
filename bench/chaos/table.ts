import { formatTable } from '../table';
import { percentile } from '../stats';
import { missedTargets, type ScenarioResult } from './scenario';

const recovery = (values: readonly number[]) =>
  values.length === 1
    ? values[0].toFixed(1)
    : `${percentile(values, 50).toFixed(1)} (max ${Math.max(...values).toFixed(1)})`;

/** The table on stdout, then each scenario's notes and the targets it missed. */
export function chaosReport(results: readonly ScenarioResult[]): string {
  const table = formatTable([
    [
      'scenario',
      'runs completed',
      'deliveries lost',
      'duplicates (mail+webhook)',
      'kills/outages',
      'recovery, s',
      'exits',
      'targets',
    ],
    ...results.map((r) => [
      r.label,
      `${r.runs.completed}/${r.runs.expected}`,
      `${r.deliveries.lost}/${r.deliveries.expected}`,
      `${r.deliveries.duplicates} (${r.deliveries.duplicateMails}+${r.deliveries.duplicateCalls})`,
      String(r.kills),
      recovery(r.recoveryS),
      String(r.crashes),
      missedTargets(r).length === 0 ? 'met' : 'missed',
    ]),
  ]);
  const notes = results.map((r) =>
    [
      `${r.label} (${r.durationS} s):`,
      ...r.notes.map((n) => `  - ${n}`),
      ...missedTargets(r).map((m) => `  ! missed: ${m}`),
    ].join('\n'),
  );
  return [table, ...notes].join('\n\n');
}
