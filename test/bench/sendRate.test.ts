import assert from 'node:assert/strict';
import { measureSendRate } from '../../bench/sendRate';
import { harness } from '../harness/hooks';

describe('npm run bench -- --rate, small: 60 emails queued at SMTP_RATE=20/s', () => {
  it('sends them all, never more than 20 in a second, spread over 3 s; a wait is no attempt', async function () {
    this.timeout(120_000);
    const h = harness();
    const measured = await measureSendRate({
      connection: h.env.nativeConnection,
      workflowBundle: h.workflowBundle,
      sends: 60,
      rate: { max: 20, perMs: 1000 },
    });

    assert.equal(measured.sends, 60);
    assert.ok(measured.maxPerSecond <= 20, `${measured.perSecond.join(', ')} per second`);
    assert.ok(measured.maxInAnyWindow <= 20, `${measured.maxInAnyWindow} in some 1000 ms`);
    assert.ok(measured.totalS >= 2.9, `all 60 within ${measured.totalS} s`);
    assert.equal(measured.attempts, 60);
  });
});
