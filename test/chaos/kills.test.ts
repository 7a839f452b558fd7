import assert from 'node:assert/strict';
import { temporalKills, workerKills, type KillSizes } from '../../bench/chaos/kills';
import { seeded } from '../../bench/chaos/random';
import { missedTargets } from '../../bench/chaos/scenario';
import { startChaosSystem, type ChaosSystem } from '../../bench/chaos/system';

// Scenarios 1 and 2 of `npm run chaos` at small size: real processes, real SIGKILLs. Three kills,
// each early in its wave while many runs send: with the send ledger switched off, each of three
// tries failed (5 to 7 duplicates of sends done before a kill); with two kills, one try in two.
const SIZES: KillSizes = { runs: 40, kills: 3, gapS: [0.3, 0.8] };

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
    it(`${victim} SIGKILLed ${SIZES.kills} times mid-send: every run completes, nothing lost, only sends in flight sent again`, async function () {
      this.timeout(240_000);
      const result = await scenario(sys, SIZES, random, quiet);
      const context = JSON.stringify({ runs: result.runs, deliveries: result.deliveries });
      assert.equal(result.kills, SIZES.kills);
      assert.equal(result.runs.completed, SIZES.runs, context);
      assert.equal(result.deliveries.lost, 0, context);
      // Sends in flight at a kill may go twice (at least once); a send done before it, never.
      assert.deepEqual(missedTargets({ ...result, crashes: 0, durationS: 0 }), [], context);
    });
  }
});
