import assert from 'node:assert/strict';
import { temporalKills, workerKills, type KillSizes } from '../../bench/chaos/kills';
import { seeded } from '../../bench/chaos/random';
import { startChaosSystem, type ChaosSystem } from '../../bench/chaos/system';

// Scenarios 1 and 2 of `npm run chaos` at small size: real processes, real SIGKILLs.
const SIZES: KillSizes = { runs: 20, kills: 2, gapS: [0.3, 1] };

describe('npm run chaos, kills at small size', () => {
  let sys: ChaosSystem;
  const random = seeded(16);
  const quiet = () => {};

  before(async function () {
    this.timeout(180_000);
    sys = await startChaosSystem();
  });
  after(async function () {
    this.timeout(60_000);
    await sys?.stop();
  });

  for (const [victim, scenario] of [
    ['worker+API process', workerKills],
    ['Temporal server', temporalKills],
  ] as const) {
    it(`${victim} SIGKILLed twice mid-send: every run completes, nothing lost, nothing done sent again`, async function () {
      this.timeout(240_000);
      const result = await scenario(sys, SIZES, random, quiet);
      const context = JSON.stringify({ runs: result.runs, deliveries: result.deliveries });
      assert.equal(result.kills, SIZES.kills);
      assert.equal(result.runs.completed, SIZES.runs, context);
      assert.equal(result.deliveries.lost, 0, context);
      // Sends in flight at a kill may go twice (at least once); a send done before it, never.
      assert.deepEqual(result.failures, [], context);
    });
  }
});
