import assert from 'node:assert/strict';
import { loadFlows } from '../../src/flows/load';
import type { Flow } from '../../src/flows/schema';
import { progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const states = (nodes: NodeState[]) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('branches and waiting for events', () => {
  let socktech: Socktech;
  let cart: Flow;

  before(async () => {
    const sample = (await loadFlows('flows')).get('abandoned-cart')!;
    // The sample waits four hours for the order; the test waits two seconds.
    cart = {
      ...sample,
      actions: sample.actions.map((a) =>
        a.type === 'waitForEvent' ? { ...a, timeoutMs: 2000 } : a,
      ),
    };
    const hook = (id: string, after: string[]) => ({
      id,
      type: 'webhook' as const,
      url: '/paths',
      after,
    });
    socktech = await startSocktech([
      cart,
      await testFlow({
        id: 'plan-branch',
        name: 'Plan branch',
        trigger: { event: 'plan.chosen' },
        actions: [
          { id: 'is_pro', type: 'branch', where: { plan: 'pro' } },
          hook('pro_path', ['is_pro:true']),
          hook('free_path', ['is_pro:false']),
          hook('after_free', ['free_path']),
          hook('join', ['pro_path', 'after_free']),
        ],
      }),
      await testFlow({
        id: 'picky-wait',
        name: 'Picky wait',
        trigger: { event: 'quote.sent' },
        actions: [
          {
            id: 'accepted',
            type: 'waitForEvent',
            event: 'quote.answered',
            timeout: '1m',
            where: { answer: 'yes' },
          },
        ],
      }),
    ]);
  });
  after(() => socktech.stop());

  const send = async (name: string, email: string, properties: Record<string, unknown> = {}) =>
    (await socktech.post('/v1/events', { name, email, properties })).body.events[0];

  const mailTo = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.subject);

  it('abandoned cart: the order arrives in time → thank-you email, no reminder', async () => {
    const email = `paid-${Date.now()}@example.com`;
    const { matched } = await send('cart.updated', email, { cart_total: 120, items: 3 });
    const handle = socktech.client.workflow.getHandle(matched[0].workflowId);
    const order = await send('order.completed', email, { order_id: 'A-77' });
    assert.deepEqual(order.delivered, [
      { flowId: 'abandoned-cart', workflowId: matched[0].workflowId },
    ]);

    const { nodes } = await handle.result();
    assert.deepEqual(states(nodes), {
      wait_order: 'completed',
      thank_you: 'completed',
      big_cart: 'skipped',
      reminder_coupon: 'skipped',
      reminder: 'skipped',
      crm: 'completed',
    });
    assert.equal(nodes.find((n: NodeState) => n.id === 'wait_order').outcome, 'received');
    assert.deepEqual(
      await waitUntil(async () => (await mailTo(email)).length > 0 && mailTo(email), 'mail'),
      ['Thank you for order A-77'],
    );
  });

  it('abandoned cart: no order → the reminder after the timeout, on the path the cart size picks', async () => {
    const email = `gone-${Date.now()}@example.com`;
    const { matched } = await send('cart.updated', email, { cart_total: 30, items: 1 });
    const { nodes } = await socktech.client.workflow.getHandle(matched[0].workflowId).result();
    assert.deepEqual(states(nodes), {
      wait_order: 'completed',
      thank_you: 'skipped',
      big_cart: 'completed',
      reminder_coupon: 'skipped',
      reminder: 'completed',
      crm: 'completed',
    });
    assert.deepEqual(
      nodes.map((n: NodeState) => [n.id, n.outcome]).filter(([, o]: unknown[]) => o),
      [
        ['wait_order', 'timedOut'],
        ['big_cart', 'false'],
      ],
    );
    assert.deepEqual(
      await waitUntil(async () => (await mailTo(email)).length > 0 && mailTo(email), 'mail'),
      ['Your cart is waiting'],
    );
  });

  it('a branch on a property takes its path, the other path is skipped, the join runs once', async () => {
    const h = harness();
    for (const plan of ['pro', 'free']) {
      const email = `${plan}-${Date.now()}@example.com`;
      const { matched } = await send('plan.chosen', email, { plan });
      const workflowId = matched[0].workflowId;
      const { nodes } = await socktech.client.workflow.getHandle(workflowId).result();
      const taken = plan === 'pro' ? 'pro_path' : 'free_path';
      const other = plan === 'pro' ? 'free_path' : 'pro_path';
      assert.equal(states(nodes)[taken], 'completed');
      assert.equal(states(nodes)[other], 'skipped');
      assert.equal(states(nodes).after_free, plan === 'pro' ? 'skipped' : 'completed');
      assert.equal(states(nodes).join, 'completed');
      const joins = h.webhooks.requests().filter((r) => {
        const key = String(r.headers['idempotency-key']);
        return key.startsWith(`${workflowId}/`) && key.endsWith('/join');
      });
      assert.equal(joins.length, 1);
    }
  });

  it('an event for another user, or not matching the wait, does not wake it', async () => {
    const email = `picky-${Date.now()}@example.com`;
    const { matched } = await send('quote.sent', email);
    const handle = socktech.client.workflow.getHandle(matched[0].workflowId);
    const waiting = async () =>
      (await handle.query(progressQuery)).nodes[0].state === 'waiting' || undefined;
    await waitUntil(waiting, 'the wait to begin');

    const stranger = await send('quote.answered', `someone-else-${Date.now()}@example.com`, {
      answer: 'yes',
    });
    assert.deepEqual(stranger.delivered, [], 'no run of that user exists');
    const no = await send('quote.answered', email, { answer: 'no' });
    assert.equal(no.delivered.length, 1, 'delivered to the run, which ignores it');
    // Queries go through the worker after the signal, so this reads the state after it.
    assert.ok(await waiting(), 'still waiting after a non-matching answer');

    await send('quote.answered', email, { answer: 'yes' });
    const { nodes } = await handle.result();
    assert.equal(nodes[0].outcome, 'received');
    assert.deepEqual(nodes[0].properties, { answer: 'yes' });
  });
});
