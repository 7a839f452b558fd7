import type { Comparison, StoreName } from './context';
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
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** Median (min–max). */
export const showSpread = (s: Spread, digits = 1) =>
  `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

const compared = (c: Comparison, digits: number) => [
  showSpread(c.socktech, digits),
  fixed(c.ratio, 2),
];

/** Socktech on each store against the baseline (the same figures in both comparisons). */
const perStore = (name: string, c: Record<StoreName, Comparison>, digits = 0) => [
  name,
  showSpread(c.pglite.baseline, digits),
  ...compared(c.pglite, digits),
  ...compared(c.postgres, digits),
];

/** Socktech on PGlite only: the PostgreSQL columns stay empty. */
const onPglite = (name: string, c: Comparison, digits = 0) => [
  name,
  showSpread(c.baseline, digits),
  ...compared(c, digits),
  '',
  '',
];

/** The rate, then what each unit cost the worker-and-API process (and PostgreSQL) in CPU. */
const rated = (name: string, unit: string, r: RateComparison, digits = 0) => [
  onPglite(`${name}, ${unit}s/s`, r.perSecond, digits),
  onPglite(`  CPU per ${unit}, ms`, r.cpuMsPerUnit, 1),
];

const spreads = (name: string, values: Spread[]) => [name, ...values.map((v) => showSpread(v))];

/** The report printed on stdout. */
export function report(m: Measurements): string {
  const { latencyMs: lat } = m.ingest;
  const flow = m.throughput;
  const sideBySide = formatTable([
    ['', 'baseline', 'socktech, PGlite', 'ratio', 'socktech, PostgreSQL', 'ratio'],
    perStore(
      'flow throughput, runs/s',
      { pglite: flow.pglite.perSecond, postgres: flow.postgres.perSecond },
      1,
    ),
    perStore(
      '  CPU per run, ms',
      { pglite: flow.pglite.cpuMsPerUnit, postgres: flow.postgres.cpuMsPerUnit },
      1,
    ),
    ...rated('ingest, single events', 'event', m.ingest.single),
    ...rated(`ingest, batches of ${m.ingest.batchSize}`, 'event', m.ingest.batch),
    ...(['p50', 'p95', 'p99'] as const).map((p) => [
      ...spreads(`ingest latency at ${m.ingest.rate}/s, ${p}, ms`, [
        lat.baseline[p],
        lat.socktech[p],
      ]),
      '',
      '',
      '',
    ]),
    ...(['p50', 'p99'] as const).map((p) => [
      ...spreads(`reaction, start → first action, ${p}, ms`, [
        m.reaction.baseline[p],
        m.reaction.socktech[p],
      ]),
      '',
      showSpread(m.reaction.socktechPostgres[p]),
      '',
    ]),
  ]);
  const notes =
    'The baseline has no store; each Socktech writes its send ledger. Ingest writes no ledger: ' +
    'measured on PGlite only.' +
    (m.stores.postgresCpuCounted
      ? " CPU on PostgreSQL includes the server's processes for the bench's database."
      : " CPU on PostgreSQL leaves out the server's: it is not on this machine.");
  const ledger = formatTable([
    [`send ledger alone, ${m.ledger.runs} runs`, 'PGlite', 'PostgreSQL'],
    ...m.ledger.points.flatMap((p) => [
      [
        `  ${p.inFlight} in flight, runs/s`,
        fixed(p.pglite.perSecond, 0),
        fixed(p.postgres.perSecond, 0),
      ],
      ['    CPU per run, ms', fixed(p.pglite.cpuMsPerUnit, 2), fixed(p.postgres.cpuMsPerUnit, 2)],
    ]),
    [
      "share of Socktech's CPU per run",
      percent(m.ledger.shareOfRunCpu.pglite),
      percent(m.ledger.shareOfRunCpu.postgres),
    ],
  ]);
  const ledgerNote =
    "The ledger's store work of a run of the flow (3 lookups, 2 suppression reads, 3 records) " +
    'through the real code, without Temporal; its share, one run at a time (in a flow, sends ' +
    'arrive spread out and share few statements), against the flow throughput CPU per run above.';
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
  return [`${sideBySide}\n${notes}`, `${ledger}\n${ledgerNote}`, dag, match, memory, runs].join(
    '\n\n',
  );
}
