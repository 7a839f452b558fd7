import assert from 'node:assert/strict';
import { startSocktech, type Socktech } from '../harness/socktech';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';

describe('POST /v1/events validation', () => {
  let socktech: Socktech;

  before(async () => {
    const hook = {
      id: 'hook',
      type: 'webhook' as const,
      url: `${harness().webhooks.url}/validation`,
    };
    socktech = await startSocktech([
      await testFlow({ id: 'v', name: 'V', trigger: { event: 'v' }, actions: [hook] }),
    ]);
  });
  after(() => socktech.stop());

  it('answers 400 listing every problem by field, and starts nothing from a bad batch', async () => {
    const { status, body } = await socktech.post('/v1/events', [
      { name: 'v', email: 'good@example.com', id: 'batch-good' },
      { name: '', email: 'not-an-email' },
    ]);
    assert.equal(status, 400);
    assert.ok(body.problems.some((p: string) => p.startsWith('1.name')));
    assert.ok(body.problems.some((p: string) => p.startsWith('1.email')));
    const good = await socktech.post('/v1/events', {
      name: 'v',
      email: 'good@example.com',
      id: 'batch-good',
    });
    assert.equal(
      good.body.events[0].matched[0].outcome,
      'started',
      'the rejected batch started nothing',
    );
  });

  it('answers 400 to malformed JSON and 413 to a body over 1 MB', async () => {
    const bad = await fetch(`${socktech.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    assert.equal(bad.status, 400);
    const big = await socktech.post('/v1/events', {
      name: 'v',
      email: 'a@example.com',
      properties: { x: 'x'.repeat(1_100_000) },
    });
    assert.equal(big.status, 413);
  });

  it('accepts an event that matches no flow with an empty list', async () => {
    const { status, body } = await socktech.post('/v1/events', {
      name: 'nobody.listens',
      email: 'a@example.com',
    });
    assert.equal(status, 202);
    assert.deepEqual(body.events[0].matched, []);
  });
});
