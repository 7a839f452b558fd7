import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pg from 'pg';
import {
  dropClusterDatabases,
  freeClusterPort,
  startCluster,
  type Cluster,
} from '../scripts/cluster/cluster';
import {
  spawnApi,
  spawnScript,
  spawnWorker,
  type ApiProcess,
  type NodeProcess,
} from '../scripts/cluster/processes';
import { clientFor } from '../src/temporal/connection';
import { freePort } from '../test/harness/devServer';
import { dropPostgresDatabases, freshPostgresDatabase } from '../test/harness/postgres';
import { forkScript, stopChild } from './child';
import { threeActions } from './baseline/workflows';
import { commandCpuMs, processes, treeCpuMs } from './cpu';
import { newEmails } from './emails';
import { FLOW_EVENT, THREE_ACTIONS } from './flows';
import { chunks, inParallel } from './pool';
import { progressBar, type Progress } from './progress';
import { NAMESPACE } from './settings';
import { postEvents } from './sides';
import type { SinkUrls } from './sinks';
import { sleep, spread, type Spread } from './stats';
import { formatTable, showSpread } from './table';

/** How much `--scale` measures; with `--quick`, a smoke run. */
interface ScaleSizes {
  reps: number;
  /** Runs each target starts before it is measured, whenever workers were added. */
  warmup: number;
  /** Runs per repetition, started in batches of `batch`, `inFlight` batches at a time. */
  runs: number;
  batch: number;
  inFlight: number;
  /** Worker processes per side, in the order they are reached (never fewer). */
  workers: number[];
  /** API processes Socktech's events are spread over. */
  apis: number[];
}

const SCALE_FULL: ScaleSizes = {
  reps: 3,
  warmup: 100,
  runs: 400,
  batch: 50,
  inFlight: 4,
  workers: [1, 2, 4],
  apis: [1, 2],
};

const SCALE_QUICK: ScaleSizes = {
  reps: 1,
  warmup: 10,
  runs: 40,
  batch: 10,
  inFlight: 2,
  workers: [1, 2],
  apis: [1, 2],
};

const QUEUES = { socktech: 'bench-scale-socktech', baseline: 'bench-scale-baseline' };

/** How each kind of process names itself to PostgreSQL (`application_name`). */
const STORE_NAMES = {
  socktech: 'bench-scale-socktech-worker',
  baseline: 'bench-scale-baseline-worker',
  api: 'bench-scale-api',
};

/** Where runs are started: raw Temporal's client (`apis` 0), or Socktech's API processes. */
type Target = { apis: number };

const label = ({ apis }: Target) =>
  apis === 0 ? 'raw Temporal' : `Socktech, ${apis} API${apis > 1 ? 's' : ''}`;

/** CPU time per completed run, ms, of each kind of process. */
interface CpuPerRun {
  workers: number;
  apis: number;
  server: number;
  postgres: number;
  driver: number;
}

interface Sample {
  perSecond: number;
  cpu: CpuPerRun;
}

interface ScalePoint {
  workers: number;
  apis: number;
  runsPerSecond: Spread;
  /** Medians over the repetitions. */
  cpuMsPerRun: CpuPerRun & { total: number };
}

interface Fleet {
  socktech: NodeProcess[];
  baseline: NodeProcess[];
  apis: ApiProcess[];
}

interface ScaleBench {
  sizes: ScaleSizes;
  cluster: Cluster;
  client: Client;
  fleet: Fleet;
  /** The variables of a process on `taskQueue` that names itself `storeName` to the store. */
  env: (taskQueue: string, storeName: string) => Record<string, string>;
  progress: Progress;
  /** Resolves once no process named `storeName` holds a connection to the store. */
  storeIdle: (storeName: string) => Promise<void>;
  /** Which side's workers ran last: raw Temporal's (true) or Socktech's. */
  lastRaw?: boolean;
}

/**
 * `npm run bench -- --scale`: flow throughput on a Temporal cluster on PostgreSQL with 1, 2 and
 * 4 worker processes a side, Socktech's events sent through 1 or 2 API processes, and the CPU
 * each kind of process spent per run. Nothing starts eagerly: no client shares a worker's
 * connection here, as in any deployment that runs workers apart.
 */
export async function scaleBench(quick: boolean): Promise<void> {
  const sizes = quick ? SCALE_QUICK : SCALE_FULL;
  const startedAt = new Date();
  const loadAtStart = loadavg()[0];
  const db = `socktech_bench_${startedAt.getTime().toString(36)}`;
  const secret = randomBytes(32).toString('hex');
  const flowsDir = mkdtempSync(path.join(tmpdir(), 'socktech-scale-flows-'));
  writeFileSync(path.join(flowsDir, `${THREE_ACTIONS.id}.json`), JSON.stringify(THREE_ACTIONS));

  process.stderr.write('starting a Temporal cluster on PostgreSQL, the sinks and the API…\n');
  const [cluster, sinks, databaseUrl] = await Promise.all([
    freeClusterPort().then((port) => startCluster({ port, db })),
    forkScript<SinkUrls>(path.join(__dirname, 'sinks.ts')),
    freshPostgresDatabase(),
  ]);
  const env = (taskQueue: string, storeName: string) => ({
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: sinks.first.smtpUrl,
    WEBHOOK_BASE_URL: sinks.first.webhookUrl,
    DATABASE_URL: named(databaseUrl, storeName),
    SOCKTECH_SECRET: secret,
    FLOWS_DIR: flowsDir,
  });
  const connection = await NativeConnection.connect({ address: cluster.address });
  const postgres = new pg.Client({ connectionString: databaseUrl });
  await postgres.connect();
  const fleet: Fleet = { socktech: [], baseline: [], apis: [] };
  try {
    fleet.apis = await Promise.all(
      Array.from({ length: Math.max(...sizes.apis) }, () =>
        spawnApi(env(QUEUES.socktech, STORE_NAMES.api)),
      ),
    );
    const b: ScaleBench = {
      sizes,
      cluster,
      client: clientFor(connection, { namespace: NAMESPACE, taskQueue: QUEUES.socktech }),
      fleet,
      env,
      progress: progressBar(steps(sizes)),
      storeIdle: (storeName) => storeIdle(postgres, storeName),
    };
    const points = await measureScale(b);
    const durationS = Math.round((Date.now() - startedAt.getTime()) / 1000);
    const file = writeScaleResults({ startedAt, quick, sizes, loadAtStart, durationS, points });
    process.stdout.write(
      `\nFlow throughput on one Temporal cluster (PostgreSQL), ${cpus().length} cores, ` +
        `${quick ? 'quick' : 'full'} run in ${durationS} s, load average ` +
        `${loadAtStart.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after; ` +
        `median (min–max) of ${sizes.reps} repetitions of ${sizes.runs} runs\n\n` +
        `${scaleReport(points)}\n\nall figures: ${path.relative(process.cwd(), file)}\n`,
    );
  } finally {
    const everyone = [...fleet.apis, ...fleet.socktech, ...fleet.baseline];
    await Promise.all(everyone.map((p) => p.stop()));
    await Promise.all([connection.close(), postgres.end()]);
    await stopChild(sinks.child);
    await cluster.stop();
    await Promise.all([dropClusterDatabases(db), dropPostgresDatabases()]);
    rmSync(flowsDir, { recursive: true, force: true });
  }
}

const steps = (s: ScaleSizes) => s.workers.length * (1 + s.apis.length) * (1 + s.reps);

async function measureScale(b: ScaleBench): Promise<ScalePoint[]> {
  const targets: Target[] = [{ apis: 0 }, ...b.sizes.apis.map((apis) => ({ apis }))];
  const points: ScalePoint[] = [];
  for (const workers of b.sizes.workers) {
    await addWorkers(b, workers);
    for (const target of targets) {
      b.progress.step(`${workers} workers, ${label(target)}: warm-up`);
      await takeTurn(b, target);
      await startAndFinish(b, target, b.sizes.warmup);
    }
    const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
    for (let rep = 0; rep < b.sizes.reps; rep++) {
      // Alternating the order, so that no target always meets the server warmer than another.
      for (const target of rep % 2 === 0 ? targets : [...targets].reverse()) {
        b.progress.step(`${workers} workers, ${label(target)}: ${rep + 1}/${b.sizes.reps}`);
        samples.get(target)!.push(await measureOnce(b, target));
      }
    }
    points.push(...targets.map((t) => point(workers, t, samples.get(t)!)));
  }
  b.progress.done();
  return points;
}

/** Brings both sides to `count` worker processes; each bundles its workflows as it starts. */
async function addWorkers(b: ScaleBench, count: number): Promise<void> {
  const more = count - b.fleet.socktech.length;
  const socktech = async () =>
    spawnWorker({
      ...b.env(QUEUES.socktech, STORE_NAMES.socktech),
      WORKER_METRICS_PORT: String(await freePort()),
    });
  const baseline = () =>
    spawnScript(
      'bench/baselineWorker.ts',
      b.env(QUEUES.baseline, STORE_NAMES.baseline),
      'worker polling',
    );
  const [added, addedBaseline] = await Promise.all([
    Promise.all(Array.from({ length: more }, socktech)),
    Promise.all(Array.from({ length: more }, baseline)),
  ]);
  b.fleet.socktech.push(...added);
  b.fleet.baseline.push(...addedBaseline);
}

async function measureOnce(b: ScaleBench, target: Target): Promise<Sample> {
  const pids = (list: NodeProcess[]) => list.map((p) => p.child.pid!);
  const groups = {
    workers: pids(target.apis === 0 ? b.fleet.baseline : b.fleet.socktech),
    apis: pids(b.fleet.apis.slice(0, target.apis)),
    server: [b.cluster.pid],
  };
  const runs = b.sizes.runs;
  await takeTurn(b, target);
  const before = processes();
  const driverBefore = process.cpuUsage();
  const started = performance.now();
  await startAndFinish(b, target, runs);
  const seconds = (performance.now() - started) / 1000;
  const driver = process.cpuUsage(driverBefore);
  const after = processes();
  const perRun = (ids: number[]) => (treeCpuMs(after, ids) - treeCpuMs(before, ids)) / runs;
  return {
    perSecond: runs / seconds,
    cpu: {
      workers: perRun(groups.workers),
      apis: perRun(groups.apis),
      server: perRun(groups.server),
      postgres: (commandCpuMs(after, 'postgres') - commandCpuMs(before, 'postgres')) / runs,
      driver: (driver.user + driver.system) / 1000 / runs,
    },
  };
}

/**
 * Each worker's pool holds up to 10 connections to the store, and closes them after 10 s idle:
 * 4 + 4 workers would need more than PostgreSQL's default 100 if one side's pools were still
 * open while the other's fill, so a side begins once the other's have closed.
 */
async function takeTurn(b: ScaleBench, target: Target): Promise<void> {
  const raw = target.apis === 0;
  if (b.lastRaw !== undefined && b.lastRaw !== raw) {
    await b.storeIdle(raw ? STORE_NAMES.socktech : STORE_NAMES.baseline);
  }
  b.lastRaw = raw;
}

/** Starts `runs` runs through the target and waits for every one to complete. */
async function startAndFinish(b: ScaleBench, target: Target, runs: number): Promise<void> {
  const finishing: Promise<unknown>[] = [];
  let batches = 0;
  await inParallel(chunks(newEmails(runs), b.sizes.batch), b.sizes.inFlight, async (emails) => {
    const ids = await start(b, target, emails, batches++);
    finishing.push(...ids.map((id) => b.client.workflow.getHandle(id).result()));
  });
  await Promise.all(finishing);
}

/** One batch: one POST to the next API process in turn, or one start per run on raw Temporal. */
function start(b: ScaleBench, target: Target, emails: string[], batch: number): Promise<string[]> {
  if (target.apis > 0) {
    return postEvents(b.fleet.apis[batch % target.apis].url, FLOW_EVENT, emails);
  }
  return Promise.all(
    emails.map(async (email) => {
      const handle = await b.client.workflow.start(threeActions, {
        taskQueue: QUEUES.baseline,
        workflowId: `threeActions-${randomUUID()}`,
        args: [{ email, properties: { name: 'Ada' } }],
      });
      return handle.workflowId;
    }),
  );
}

/** Waits until no process named `storeName` holds a connection to the store. */
async function storeIdle(postgres: pg.Client, storeName: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await postgres.query(
      'select count(*)::int as open from pg_stat_activity ' +
        'where datname = current_database() and application_name = $1',
      [storeName],
    );
    if (rows[0].open === 0) return;
    if (Date.now() > deadline) throw new Error(`${storeName} keeps ${rows[0].open} connections`);
    await sleep(500);
  }
}

/** The URL with `application_name` set: PostgreSQL then tells whose each connection is. */
function named(url: string, storeName: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', storeName);
  return named.toString();
}

function point(workers: number, target: Target, samples: Sample[]): ScalePoint {
  const median = (key: keyof CpuPerRun) => spread(samples.map((s) => s.cpu[key])).median;
  const cpu: CpuPerRun = {
    workers: median('workers'),
    apis: median('apis'),
    server: median('server'),
    postgres: median('postgres'),
    driver: median('driver'),
  };
  const total = Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
  return {
    workers,
    apis: target.apis,
    runsPerSecond: spread(samples.map((s) => s.perSecond)),
    cpuMsPerRun: { ...cpu, total },
  };
}

/** The tables printed on stdout, and what bounds them. */
function scaleReport(points: ScalePoint[]): string {
  const at = (workers: number, apis: number) =>
    points.find((p) => p.workers === workers && p.apis === apis)!;
  const name = (p: ScalePoint) => `${p.workers} worker${p.workers > 1 ? 's' : ''}, ${label(p)}`;
  const ms = (value: number) => value.toFixed(1);
  const throughput = formatTable([
    ['', 'runs/s', '× 1 worker', 'vs raw'],
    ...points.map((p) => {
      const rate = p.runsPerSecond.median;
      return [
        name(p),
        showSpread(p.runsPerSecond, 0),
        (rate / at(points[0].workers, p.apis).runsPerSecond.median).toFixed(2),
        (rate / at(p.workers, 0).runsPerSecond.median).toFixed(2),
      ];
    }),
  ]);
  const cpu = formatTable([
    ['CPU per run, ms', 'workers', 'APIs', 'Temporal', 'PostgreSQL', 'bench', 'all'],
    ...points.map((p) => {
      const c = p.cpuMsPerRun;
      const apis = p.apis === 0 ? '–' : ms(c.apis);
      return [
        name(p),
        ms(c.workers),
        apis,
        ms(c.server),
        ms(c.postgres),
        ms(c.driver),
        ms(c.total),
      ];
    }),
  ]);
  const serverMs = spread(points.map((p) => p.cpuMsPerRun.server + p.cpuMsPerRun.postgres));
  const cores = cpus().length;
  const bound =
    `Temporal server and PostgreSQL: ${ms(serverMs.median)} ms of CPU per run (median over ` +
    `the points), so at most ${Math.round((cores * 1000) / serverMs.median)} runs/s ` +
    `if they had all ${cores} cores to themselves and the workers ran elsewhere.`;
  return [throughput, cpu, bound].join('\n\n');
}

interface ScaleResults {
  startedAt: Date;
  quick: boolean;
  sizes: ScaleSizes;
  /** The machine's 1-minute load average before the run: others' work disturbs it. */
  loadAtStart: number;
  durationS: number;
  points: ScalePoint[];
}

/** A file per run, and the same as scale-latest.json; returns the run's file. */
function writeScaleResults(results: ScaleResults): string {
  const dir = path.resolve(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const text = JSON.stringify({ kind: 'scale', cores: cpus().length, ...results }, null, 2) + '\n';
  const file = path.join(
    dir,
    `scale-${results.startedAt.toISOString().replace(/[:.]/g, '-')}.json`,
  );
  writeFileSync(file, text);
  writeFileSync(path.join(dir, 'scale-latest.json'), text);
  return file;
}
