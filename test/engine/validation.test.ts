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
      await testFlow({
        id: 'v-each',
        name: 'V each',
        reentry: 'every-event',
        trigger: { event: 'v.each' },
        actions: [{ ...hook, retry: { initialInterval: '100ms', maximumAttempts: 2 } }],
      }),
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

  it('refuses ids and names that are not printable or over 200 characters, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ id: 'a\r\nInjected: 1' }, 'id'],
      [{ id: 'nul\u0000' }, 'id'],
      [{ id: 'next-line\u0085' }, 'id'],
      [{ id: 'del\u007f' }, 'id'],
      [{ id: 'lone-\ud800' }, 'id'],
      [{ id: '\udc00-lone' }, 'id'],
      [{ id: 'x'.repeat(201) }, 'id'],
      [{ name: 'v\nv' }, 'name'],
      [{ name: 'v\ud83d' }, 'name'],
      [{ name: 'v'.repeat(201) }, 'name'],
    ];
    for (const [fields, field] of cases) {
      const event = { name: 'v', email: 'printable@example.com', ...fields };
      const { status, body } = await socktech.post('/v1/events', event);
      assert.equal(status, 400, JSON.stringify(fields));
      assert.ok(
        body.problems.some((p: string) => p.startsWith(`${field}: `)),
        `${JSON.stringify(fields)}: ${body.problems}`,
      );
    }
    const batch = await socktech.post('/v1/events', [
      { name: 'v', email: 'printable@example.com', id: 'fine' },
      { name: 'v', email: 'printable@example.com', id: 'line\nbreak' },
    ]);
    assert.equal(batch.status, 400);
    assert.ok(batch.body.problems.some((p: string) => p.startsWith('1.id: ')));
  });

  it('takes ids outside ASCII, and their runs call webhooks like any other', async () => {
    const ids = ['commande-€-1', 'заказ-2', '注文-3', 'emoji-🧦'];
    const replies = await Promise.all(
      ids.map((id) =>
        socktech.post('/v1/events', { name: 'v.each', email: 'intl@example.com', id }),
      ),
    );
    const workflowIds = replies.map((r) => {
      assert.equal(r.status, 202);
      assert.equal(r.body.events[0].matched[0].outcome, 'started');
      return r.body.events[0].matched[0].workflowId as string;
    });
    assert.equal(new Set(workflowIds).size, ids.length);
    for (const workflowId of workflowIds) {
      await socktech.client.workflow.getHandle(workflowId).result();
    }
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
