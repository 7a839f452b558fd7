import assert from 'node:assert/strict';
import { startSocktech, type Socktech } from '../harness/socktech';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';

describe('idempotency', () => {
  let socktech: Socktech;

  before(async () => {
    const hook = { id: 'hook', type: 'webhook' as const, url: `${harness().webhooks.url}/idem` };
    socktech = await startSocktech(
      await Promise.all([
        testFlow({ id: 'once', name: 'Once', trigger: { event: 'signup' }, actions: [hook] }),
        testFlow({
          id: 'each',
          name: 'Each',
          reentry: 'every-event',
          trigger: { event: 'order' },
          actions: [hook],
        }),
        testFlow({
          id: 'again',
          name: 'Again',
          reentry: 'after-exit',
          trigger: { event: 'visit' },
          actions: [hook],
        }),
        testFlow({
          id: 'pro-only',
          name: 'Pro only',
          trigger: { event: 'signup', where: { plan: 'pro' } },
          actions: [hook],
        }),
      ]),
    );
  });
  after(() => socktech.stop());

  it('the same event posted 50 times at once starts one run: 49 duplicates', async () => {
    const event = {
      name: 'signup',
      email: 'fifty@example.com',
      id: 'evt-50',
      properties: { plan: 'free' },
    };
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => socktech.post('/v1/events', event)),
    );
    assert.ok(replies.every((r) => r.status === 202));
    const outcomes = replies.map(
      (r) => r.body.events[0].matched.find((m: { flowId: string }) => m.flowId === 'once').outcome,
    );
    assert.equal(outcomes.filter((o) => o === 'started').length, 1);
    assert.equal(outcomes.filter((o) => o === 'duplicate').length, 49);
    const filtered = replies[0].body.events[0].matched.find(
      (m: { flowId: string }) => m.flowId === 'pro-only',
    );
    assert.equal(filtered.outcome, 'filtered');
  });

  it('every-event flows run once per distinct event id, Idempotency-Key included', async () => {
    const post = (id: string) =>
      socktech.post(
        '/v1/events',
        { name: 'order', email: 'each@example.com' },
        { 'Idempotency-Key': id },
      );
    const outcomes = [];
    for (const id of ['o-1', 'o-1', 'o-2'])
      outcomes.push((await post(id)).body.events[0].matched[0].outcome);
    assert.deepEqual(outcomes, ['started', 'duplicate', 'started']);
  });

  it('after-exit starts again only once the last run has ended', async () => {
    const post = () => socktech.post('/v1/events', { name: 'visit', email: 'again@example.com' });
    const first = (await post()).body.events[0].matched[0];
    assert.equal(first.outcome, 'started');
    await socktech.client.workflow.getHandle(first.workflowId).result();
    assert.equal((await post()).body.events[0].matched[0].outcome, 'started');
  });

  it('once never starts a second run for the same user, even after the first ended', async () => {
    const post = () => socktech.post('/v1/events', { name: 'signup', email: 'Once@Example.com ' });
    const first = (await post()).body.events[0].matched.find(
      (m: { flowId: string }) => m.flowId === 'once',
    );
    await socktech.client.workflow.getHandle(first.workflowId).result();
    const again = await socktech.post('/v1/events', { name: 'signup', email: 'once@example.com' });
    assert.equal(
      again.body.events[0].matched.find((m: { flowId: string }) => m.flowId === 'once').outcome,
      'duplicate',
    );
  });
});
