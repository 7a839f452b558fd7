import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import type { Flow, FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';
import { progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const states = (nodes: NodeState[]) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('exit rules', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  let cart: Flow;

  before(async () => {
    receiver = await startWebhookReceiver({ port: 0 });
    cart = await testFlow({
      id: 'exit-cart',
      name: 'Exit cart',
      reentry: 'after-exit',
      trigger: { event: 'exit.cart' },
      exitOn: [
        { event: 'exit.ordered', match: 'cart.id' },
        { event: 'exit.unsubscribed', where: { all: true } },
      ],
      actions: [
        { id: 'hello', type: 'webhook', url: `${receiver.url}/hello/{{ properties.cart.id }}` },
        { id: 'pause', type: 'delay', duration: '1h', after: ['hello'] },
        { id: 'reply', type: 'waitForEvent', event: 'exit.reply', timeout: '1h' },
        { id: 'reminder', type: 'sendEmail', subject: 'Your cart', body: 'x', after: ['pause'] },
      ],
    });
    socktech = await startSocktech([cart]);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  const send = async (name: string, email: string, properties: Record<string, unknown> = {}) =>
    (await socktech.post('/v1/events', { name, email, properties, id: randomUUID() })).body
      .events[0];
  const get = async (path: string) => (await fetch(socktech.url + path)).json() as Promise<any>;
  const listed = async (status: string, email: string) =>
    (await get(`/v1/runs?flowId=exit-cart&status=${status}&email=${email}`)).runs;

  it('an exit event for the same cart ends the run at once: sleeps dropped, nothing sent, exited', async () => {
    const email = `exit-${Date.now()}@example.com`;
    const { matched } = await send('exit.cart', email, { cart: { id: 'A' } });
    const handle = socktech.client.workflow.getHandle(matched[0].workflowId);
    const progress = async () => states((await handle.query(progressQuery)).nodes);
    await waitUntil(
      async () => (await progress()).pause === 'waiting' && (await progress()).reply === 'waiting',
      'the delay and the wait',
    );

    // Another cart of the same user, and an event the rule's where refuses: the run goes on.
    const other = await send('exit.ordered', email, { cart: { id: 'B' } });
    assert.deepEqual(other.delivered, [{ flowId: 'exit-cart', workflowId: handle.workflowId }]);
    await send('exit.unsubscribed', email, { all: false });
    await send('exit.ordered', email, {});
    assert.equal((await handle.describe()).status.name, 'RUNNING');
    assert.deepEqual(await progress(), {
      hello: 'completed',
      pause: 'waiting',
      reply: 'waiting',
      reminder: 'pending',
    });

    const sentAt = Date.now();
    await send('exit.ordered', email, { cart: { id: 'A' }, order: 'O-1' });
    const result = await handle.result();
    const tookMs = Date.now() - sentAt;
    assert.ok(tookMs < 5000, `the run closed ${tookMs} ms after the exit event`);

    assert.equal((await handle.describe()).status.name, 'COMPLETED');
    assert.deepEqual(result.exit?.event.properties, { cart: { id: 'A' }, order: 'O-1' });
    assert.equal(result.exit?.event.name, 'exit.ordered');
    assert.deepEqual(states(result.nodes), {
      hello: 'completed',
      pause: 'waiting',
      reply: 'waiting',
      reminder: 'pending',
    });
    const history = await handle.fetchHistory();
    const canceled = history.events!.filter((e) => e.timerCanceledEventAttributes).length;
    assert.equal(canceled, 2, 'the delay and the wait timers were canceled');
    const mail = await harness().mail.messages();
    assert.equal(mail.filter((m) => m.to.includes(email)).length, 0, 'no reminder');

    const [run] = await waitUntil(async () => {
      const runs = await listed('exited', email);
      return runs.length > 0 && runs;
    }, 'the run in the exited list');
    assert.equal(run.status, 'exited');
    assert.equal(run.temporalStatus, 'COMPLETED');
    assert.deepEqual(await listed('completed', email), []);
    const counts = await get(`/v1/runs/counts?flowId=exit-cart&email=${email}`);
    assert.deepEqual(counts, { running: 0, completed: 0, exited: 1, failed: 0 });
    const detail = await get(`/v1/runs/${encodeURIComponent(handle.workflowId)}`);
    assert.equal(detail.run.status, 'exited');
    assert.equal(detail.exit.event.name, 'exit.ordered');
    assert.ok(Date.parse(detail.exit.at) >= Date.parse(detail.run.startTime));
  });

  it('an exit event that arrives before the first node starts still exits the run', async () => {
    const email = `early-${Date.now()}@example.com`;
    const cartId = randomUUID();
    // No worker: the run's first task, when one picks it up, holds both the start and the exit.
    await socktech.stopWorker();
    let workflowId: string;
    try {
      const { matched } = await send('exit.cart', email, { cart: { id: cartId } });
      workflowId = matched[0].workflowId;
      const exit = await send('exit.unsubscribed', email, { all: true });
      assert.deepEqual(exit.delivered, [{ flowId: 'exit-cart', workflowId }]);
    } finally {
      await socktech.startWorker();
    }
    const result = await socktech.client.workflow.getHandle(workflowId).result();
    assert.equal(result.exit?.event.name, 'exit.unsubscribed');
    assert.deepEqual(states(result.nodes), {
      hello: 'pending',
      pause: 'pending',
      reply: 'pending',
      reminder: 'pending',
    });
    const called = receiver.requests().filter((r) => r.path === `/hello/${cartId}`);
    assert.deepEqual(called, [], 'the first webhook was never called');
  });

  it('a run that exited lets the user start again (reentry after-exit)', async () => {
    const email = `again-${Date.now()}@example.com`;
    const first = await send('exit.cart', email, { cart: { id: 'D' } });
    await send('exit.unsubscribed', email, { all: true });
    const handle = socktech.client.workflow.getHandle(first.matched[0].workflowId);
    await handle.result();
    const second = await send('exit.cart', email, { cart: { id: 'E' } });
    assert.equal(second.matched[0].outcome, 'started');
    await socktech.client.workflow.getHandle(second.matched[0].workflowId).terminate('test over');
  });

  describe('in a flow file', () => {
    const base: FlowFile = {
      id: 'x',
      name: 'X',
      reentry: 'once',
      trigger: { event: 'x' },
      actions: [{ id: 'a', type: 'delay', duration: '1h' }],
    };
    const problems = async (file: unknown) => {
      const result = await validateFlow(file);
      return result.ok ? [] : result.problems.map((p) => p.message);
    };

    it('keeps exitOn in the flow, where defaulting to {}', async () => {
      const result = await validateFlow({
        ...base,
        exitOn: [{ event: 'order.completed', match: 'cartId' }],
      });
      assert.ok(result.ok);
      assert.deepEqual(result.flow.exitOn, [
        { event: 'order.completed', where: {}, match: 'cartId' },
      ]);
    });

    it('refuses exitOn in an every-event flow, a rule without an event, a bad match', async () => {
      assert.deepEqual(
        await problems({ ...base, reentry: 'every-event', exitOn: [{ event: 'stop' }] }),
        [
          'exitOn needs reentry "once" or "after-exit": an every-event run has a workflow ID per event, so a later event cannot find it',
        ],
      );
      assert.deepEqual(await problems({ ...base, exitOn: [{ where: {} }] }), [
        'missing field "exitOn[0].event"',
      ]);
      assert.deepEqual(await problems({ ...base, exitOn: [{ event: 'stop', match: 'a..b' }] }), [
        'exitOn[0].match: is not a dot-path',
      ]);
      assert.deepEqual(await problems({ ...base, exitOn: [{ event: 'stop', when: 1 }] }), [
        'exitOn[0]: unknown field "when"',
      ]);
    });
  });
});
