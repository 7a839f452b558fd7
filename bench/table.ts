import type { Comparison } from './context';
import type { RateComparison } from './rate';
import type { Measurements } from './run';
import type { Spread } from './stats';

/** Columns padded to their widest cell; the first left-aligned, the others right-aligned. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** Median (min–max). */
export const showSpread = (s: Spread, digits = 1) =>
  `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

const compared = (name: string, c: Comparison, digits = 0) => [
  name,
  showSpread(c.baseline, digits),
  showSpread(c.socktech, digits),
  fixed(c.ratio, 2),
];

/** The rate, then what each unit cost the worker-and-API process in CPU. */
const rated = (name: string, unit: string, r: RateComparison, digits = 0) => [
  compared(`${name}, ${unit}s/s`, r.perSecond, digits),
  compared(`  CPU per ${unit}, ms`, r.cpuMsPerUnit, 1),
];

/** The report printed on stdout. */
export function report(m: Measurements): string {
  const { latencyMs: lat } = m.ingest;
  const sideBySide = formatTable([
    ['', 'baseline', 'socktech', 'ratio'],
    ...rated('flow throughput', 'run', m.throughput, 1),
    ...rated('ingest, single events', 'event', m.ingest.single),
    ...rated(`ingest, batches of ${m.ingest.batchSize}`, 'event', m.ingest.batch),
    ...(['p50', 'p95', 'p99'] as const).map((p) => [
      `ingest latency at ${m.ingest.rate}/s, ${p}, ms`,
      showSpread(lat.baseline[p]),
      showSpread(lat.socktech[p]),
      '',
    ]),
    ...(['p50', 'p99'] as const).map((p) => [
      `reaction, start → first action, ${p}, ms`,
      showSpread(m.reaction.baseline[p]),
      showSpread(m.reaction.socktech[p]),
      '',
    ]),
  ]);
  const dag = formatTable([
    ['DAG nodes', 'run, ms', 'ms/node', 'history events', 'events/node'],
    ...m.dag.map((d) => [
      String(d.nodes),
      showSpread(d.ms, 0),
      fixed(d.msPerNode, 1),
      String(d.historyEvents),
      fixed(d.eventsPerNode, 2),
    ]),
  ]);
  const match = formatTable([
    ['flows loaded', 'match, 1 flow per event, µs', 'match, all on one event, µs'],
    ...m.match.map((p) => [
      String(p.flows),
      showSpread(p.distinctEventsUs, 2),
      showSpread(p.sameEventUs, 1),
    ]),
  ]);
  const memory = formatTable([
    ['runs asleep', 'worker RSS, MB', 'heap used, MB', 'cached workflows'],
    ...m.memory.map((p) => [
      String(p.runsAsleep),
      showSpread(p.rssMb, 0),
      fixed(p.heapUsedMb, 0),
      String(p.cachedWorkflows),
    ]),
  ]);
  const runs = `runs that had to finish: ${m.runs.finished} of ${m.runs.started} finished`;
  return [sideBySide, dag, match, memory, runs].join('\n\n');
}
