import assert from 'node:assert/strict';
import { bundleWorkflows } from '../../bench/bundles';
import { benchFlows } from '../../bench/flows';
import { silentProgress } from '../../bench/progress';
import { measure, type Measurements } from '../../bench/run';
import type { Sizes } from '../../bench/sizes';
import { startStack } from '../../bench/stack';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';

// Every part of `npm run bench` at toy sizes: it must run to its end, never be fast.
const TINY: Sizes = {
  reps: 1,
  warmup: 2,
  throughput: { runs: 6, batch: 3, inFlight: 2 },
  ingest: {
    seconds: 0.3,
    batch: 3,
    singleInFlight: 2,
    batchInFlight: 1,
    maxRate: 20,
    rateSeconds: 0.3,
    settleSeconds: 0,
  },
  ledger: { runs: 20, inFlight: [5, 1] },
  reactionSamples: 2,
  dagNodes: [3],
  matchFlows: [1, 10],
  asleepRuns: [0, 3],
};

describe('npm run bench, at toy sizes', () => {
  let measured: Measurements;
  /** Rows in each Socktech's send ledger: the bench's own runs, and the baseline's. */
  const ledgerRows: Record<string, { socktech: number; baseline: number }> = {};

  before(async function () {
    this.timeout(120_000);
    const h = harness();
    const [bundles, flows, postgresUrl] = await Promise.all([
      bundleWorkflows(h.workflowBundle),
      benchFlows(TINY.dagNodes),
      freshPostgresDatabase(),
    ]);
    const services = { address: h.address, smtpUrl: h.mail.smtpUrl, webhookUrl: h.webhooks.url };
    const stack = await startStack(services, bundles, flows, postgresUrl);
    try {
      measured = await measure(stack, bundles, TINY, silentProgress);
      for (const [name, store] of Object.entries(stack.ledgers)) {
        const [row] = await store.query<{ socktech: number; baseline: number }>(
          `select count(*) filter (where workflow_id like 'threeActions-%')::int as baseline,
             count(*) filter (where workflow_id like 'bench-flow%')::int as socktech
           from deliveries`,
        );
        ledgerRows[name] = row;
      }
    } finally {
      await stack.stop();
    }
  });

  it('runs Socktech on PGlite on disk and on PostgreSQL, and the baseline without a store', () => {
    assert.notEqual(measured.stores.pglite, 'memory');
    assert.match(measured.stores.postgres, /^postgres(ql)?:\/\//);
    assert.deepEqual(Object.keys(ledgerRows).sort(), ['pglite', 'postgres']);
    for (const rows of Object.values(ledgerRows)) {
      assert.ok(rows.socktech > 0, 'each Socktech records its sends');
      assert.equal(rows.baseline, 0, 'the baseline records nothing');
    }
  });

  it("measures the send ledger's own cost on both stores, and its share of a run's CPU", () => {
    const { ledger } = measured;
    assert.deepEqual(
      ledger.points.map((p) => p.inFlight),
      TINY.ledger.inFlight,
    );
    for (const point of ledger.points) {
      for (const store of [point.pglite, point.postgres]) {
        assert.ok(store.perSecond > 0 && store.cpuMsPerUnit > 0);
      }
    }
    for (const share of Object.values(ledger.shareOfRunCpu)) {
      assert.ok(share > 0 && Number.isFinite(share));
    }
    assert.deepEqual(Object.keys(ledger.shareOfRunCpu).sort(), ['pglite', 'postgres']);
  });

  it('sees every run it started finish', () => {
    assert.ok(measured.runs.started > 0);
    assert.equal(measured.runs.finished, measured.runs.started);
  });

  it('measures every part', () => {
    const { throughput, ingest } = measured;
    for (const store of [throughput.pglite, throughput.postgres]) {
      assert.ok(store.perSecond.socktech.median > 0 && store.perSecond.baseline.median > 0);
      assert.ok(store.cpuMsPerUnit.socktech.median > 0);
    }
    assert.ok(
      ingest.single.perSecond.socktech.median > 0 && ingest.batch.perSecond.socktech.median > 0,
    );
    assert.ok(measured.reaction.socktech.p50.median >= 0);
    assert.ok(measured.reaction.socktechPostgres.p50.median >= 0);
    assert.deepEqual(
      measured.dag.map((d) => d.nodes),
      TINY.dagNodes,
    );
    assert.deepEqual(
      measured.memory.map((m) => m.runsAsleep),
      TINY.asleepRuns,
    );
  });
});
