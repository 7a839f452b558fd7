import assert from 'node:assert/strict';
import type { Flow } from '../../src/flows/schema';
import { runInput } from '../../src/runs/input';
import { eventSignal, progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { startFlowRun } from './startFlowRun';

const states = (nodes: NodeState[]) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('waits for events', () => {
  let socktech: Socktech;
  let bounded: Flow;

  before(async () => {
    const wait = (id: string, event: string, after: string[] = []) => ({
      id,
      type: 'waitForEvent' as const,
      event,
      timeout: '1m',
      after,
    });
    bounded = await testFlow({
      id: 'bounded-inbox',
      name: 'Bounded inbox',
      trigger: { event: 'inbox.start' },
      actions: [
        { id: 'pause', type: 'delay', duration: '1h' },
        {
          id: 'order',
          type: 'waitForEvent',
          event: 'inbox.order',
          timeout: '1h',
          where: { ok: true },
          after: ['pause'],
        },
      ],
    });
    socktech = await startSocktech([
      await testFlow({
        id: 'two-waits',
        name: 'Two waits',
        trigger: { event: 'pair.start' },
        actions: [wait('first', 'pair.ping'), wait('second', 'pair.ping')],
      }),
      await testFlow({
        id: 'waits-in-a-row',
        name: 'Waits in a row',
        trigger: { event: 'row.start' },
        actions: [wait('one', 'row.ping'), wait('two', 'row.ping', ['one'])],
      }),
      bounded,
    ]);
  });
  after(() => socktech.stop());

  const send = async (name: string, email: string, properties = {}, id?: string) =>
    (await socktech.post('/v1/events', { name, email, properties, id })).body.events[0];
  const start = async (name: string, email: string) => {
    const { matched } = await send(name, email);
    return socktech.client.workflow.getHandle(matched[0].workflowId);
  };

  it('two parallel waits for one event: the first in node order claims it, the other waits on', async () => {
    const email = `pair-${Date.now()}@example.com`;
    const handle = await start('pair.start', email);
    const progress = async () => states((await handle.query(progressQuery)).nodes);
    await waitUntil(
      async () => Object.values(await progress()).every((s) => s === 'waiting'),
      'both waits to begin',
    );

    await send('pair.ping', email, { n: 1 });
    await waitUntil(async () => (await progress()).first === 'completed', 'the first wait');
    assert.equal((await progress()).second, 'waiting', 'the event went to one wait only');

    await send('pair.ping', email, { n: 2 });
    const { nodes } = await handle.result();
    assert.deepEqual(
      nodes.map((n: NodeState) => [n.id, n.outcome, n.properties]),
      [
        ['first', 'received', { n: 1 }],
        ['second', 'received', { n: 2 }],
      ],
    );
  });

  it("a client's retry of one event (same id) satisfies one wait, not two in a row", async () => {
    const email = `row-${Date.now()}@example.com`;
    const handle = await start('row.start', email);
    const progress = async () => states((await handle.query(progressQuery)).nodes);

    await send('row.ping', email, { n: 1 }, `retried-${email}`);
    await waitUntil(async () => (await progress()).two === 'waiting', 'the second wait');
    const again = await send('row.ping', email, { n: 1 }, `retried-${email}`);
    assert.equal(again.delivered.length, 1, 'delivered to the run, which drops it');
    assert.equal((await progress()).two, 'waiting', 'the retry did not satisfy the second wait');

    await send('row.ping', email, { n: 2 }, `next-${email}`);
    const { nodes } = await handle.result();
    assert.deepEqual(
      nodes.map((n: NodeState) => n.properties),
      [{ n: 1 }, { n: 2 }],
    );
  });

  it('the inbox keeps only events a wait can still take, each id once, the newest 100', async function () {
    this.timeout(120_000);
    const email = `inbox-${Date.now()}@example.com`;
    // A low history limit makes the run continue as new often: each new run's input carries
    // the inbox, which is how the test sees it.
    const handle = await startFlowRun(socktech.client, socktech.taskQueue, bounded, email, {
      limits: { historyEvents: 40 },
    });
    const signal = (name: string, id: string, properties: Record<string, unknown>) =>
      handle.signal(eventSignal, { name, id, properties });
    try {
      await signal('inbox.noise', 'noise-1', {});
      await signal('inbox.order', 'refused-1', { ok: false });
      for (let i = 0; i < 105; i++) await signal('inbox.order', `order-${i}`, { ok: true, i });
      await signal('inbox.order', 'order-104', { ok: true, i: 104 });
      const last = (await handle.describe()).runId;
      // Noise the run drops, until it continues as new once more after the last order.
      const carried = await waitUntil(async () => {
        await signal('inbox.noise', `noise-${Date.now()}`, {});
        const { runId } = await handle.describe();
        return runId !== last && (await runInput(socktech.client, handle.workflowId, runId));
      }, 'a continue-as-new after the last order');

      assert.deepEqual(
        carried.carried?.inbox.events.map((e) => e.id),
        Array.from({ length: 100 }, (_, i) => `order-${i + 5}`),
      );
      assert.deepEqual(states(carried.carried!.nodes), { pause: 'waiting', order: 'pending' });
    } finally {
      await handle.terminate('test over');
    }
  });
});
