import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Measurements } from './run';
import { devServerFlags } from './server';
import { WORKER_OPTIONS } from './settings';
import type { Sizes } from './sizes';

const RESULTS = path.resolve(__dirname, 'results');

export interface RunInfo {
  startedAt: Date;
  quick: boolean;
  sizes: Sizes;
  /** The machine's 1-minute load average before the bench began: others' work disturbs it. */
  loadAtStart: number;
}

/** The full figures, with the top-level numbers the issue asks for first. */
export async function resultsJson(client: Client, info: RunInfo, m: Measurements) {
  const { serverVersion } = await client.workflowService.getSystemInfo({});
  const flow = m.throughput;
  return {
    // The worse of the two stores; each store's below.
    flowThroughputRatio: Math.min(flow.pglite.perSecond.ratio, flow.postgres.perSecond.ratio),
    // The send ledger's own CPU per run over Socktech's whole CPU per run, per store.
    ledgerShareOfRunCpu: m.ledger.shareOfRunCpu,
    ingestRatio: Math.min(m.ingest.single.perSecond.ratio, m.ingest.batch.perSecond.ratio),
    // Socktech on PGlite, as `npm start` runs it; on PostgreSQL in `reaction`.
    reactionP50Ms: m.reaction.socktech.p50.median,
    reactionP99Ms: m.reaction.socktech.p99.median,
    byStore: {
      pglite: {
        flowThroughputRatio: flow.pglite.perSecond.ratio,
        cpuPerRunRatio: flow.pglite.cpuMsPerUnit.ratio,
        reactionP50Ms: m.reaction.socktech.p50.median,
        reactionP99Ms: m.reaction.socktech.p99.median,
      },
      postgres: {
        flowThroughputRatio: flow.postgres.perSecond.ratio,
        cpuPerRunRatio: flow.postgres.cpuMsPerUnit.ratio,
        reactionP50Ms: m.reaction.socktechPostgres.p50.median,
        reactionP99Ms: m.reaction.socktechPostgres.p99.median,
      },
    },
    sides: {
      baseline: 'raw Temporal, activities without a store (bench/baseline/)',
      socktech: 'Socktech, store and send ledger on PGlite in a folder on disk',
      socktechPostgres: 'Socktech, store and send ledger on PostgreSQL',
      ingest: 'measured on the baseline and Socktech on PGlite only: ingest writes no ledger',
    },
    startedAt: info.startedAt.toISOString(),
    durationS: Math.round((Date.now() - info.startedAt.getTime()) / 1000),
    quick: info.quick,
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      loadAverage: { atStart: info.loadAtStart, atEnd: loadavg()[0] },
    },
    server: { version: serverVersion, settings: devServerFlags() },
    workerOptions: { ...WORKER_OPTIONS, note: 'both sides alike; unset options are SDK defaults' },
    sizes: info.sizes,
    ...m,
  };
}

/** Writes a file per run, and the same as latest.json; returns the run's file. */
export function writeResults(results: { startedAt: string }, prefix = ''): string {
  mkdirSync(RESULTS, { recursive: true });
  const text = JSON.stringify(results, null, 2) + '\n';
  const file = path.join(RESULTS, `${prefix}${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, text);
  writeFileSync(path.join(RESULTS, `${prefix}latest.json`), text);
  return file;
}
