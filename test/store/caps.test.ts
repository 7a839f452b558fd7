import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { releaseSend, reserveSend } from '../../src/store/caps';
import { openStore } from '../../src/store/db';
import { recordDelivery, type Delivery } from '../../src/store/ledger';
import { onEveryStore } from './backends';

const HOUR = 3_600_000;
const cap = { max: 2, perMs: HOUR };
const now = new Date('2026-03-02T10:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

onEveryStore('frequency caps', (store, where) => {
  // A user of each test's own: the counts are per user.
  let user: string;
  beforeEach(() => {
    user = randomUUID();
  });
  const send = (nodeId: string, workflowId = `flow:${user}`) => ({
    workflowId,
    eventId: 'ev-1',
    nodeId,
    userHash: user,
  });
  const delivered = (nodeId: string, at: Date, extra: Partial<Delivery> = {}): Delivery => ({
    ...send(nodeId, `earlier:${user}`),
    channel: 'email',
    address: 'ada@example.com',
    addressHash: user,
    reply: '250 OK',
    startedAt: at,
    deliveredAt: at,
    ...extra,
  });

  it('reserves a place while the window holds fewer than max marketing emails', async () => {
    await recordDelivery(store(), delivered('old', ago(HOUR + 1)));
    await recordDelivery(store(), delivered('receipt', ago(60_000), { category: 'transactional' }));
    await recordDelivery(store(), delivered('hook', ago(60_000), { channel: 'webhook' }));
    await recordDelivery(store(), delivered('news', ago(60_000), { category: 'marketing' }));

    assert.deepEqual(await reserveSend(store(), send('a'), cap, now), { reserved: true });
    assert.deepEqual(await reserveSend(store(), send('b'), cap, now), {
      reserved: false,
      until: new Date(ago(60_000).getTime() + HOUR),
    });
  });

  it('counts a delivery from before categories as marketing', async () => {
    await recordDelivery(store(), delivered('x', ago(1000)));
    await recordDelivery(store(), delivered('y', ago(2000)));

    const answer = await reserveSend(store(), send('a'), cap, now);
    assert.deepEqual(answer, { reserved: false, until: new Date(ago(2000).getTime() + HOUR) });
  });

  it('gives a send that asks again its own place, counted once', async () => {
    assert.deepEqual(await reserveSend(store(), send('a'), cap, now), { reserved: true });
    assert.deepEqual(await reserveSend(store(), send('a'), cap, now), { reserved: true });
    assert.deepEqual(await reserveSend(store(), send('b'), cap, now), { reserved: true });
    assert.equal((await reserveSend(store(), send('c'), cap, now)).reserved, false);
  });

  it('frees the place of a send that failed for good', async () => {
    await reserveSend(store(), send('a'), cap, now);
    await reserveSend(store(), send('b'), cap, now);
    await releaseSend(store(), send('b'));

    assert.deepEqual(await reserveSend(store(), send('c'), cap, now), { reserved: true });
  });

  it('counts a reservation that became its delivery once', async () => {
    await reserveSend(store(), send('a'), cap, now);
    await store().transaction(async (tx) => {
      await recordDelivery(tx, { ...delivered('a', now), ...send('a') });
      await releaseSend(tx, send('a'));
    });

    assert.deepEqual(await reserveSend(store(), send('b'), cap, now), { reserved: true });
    assert.equal((await reserveSend(store(), send('c'), cap, now)).reserved, false);
  });

  it('lets exactly the places left go to sends racing for them, over several connections', async () => {
    // Two stores as two workers have, each with its connections; PGlite serves one process.
    const workers = 'url' in where() ? [await openStore(where()), await openStore(where())] : [];
    try {
      await recordDelivery(store(), delivered('x', ago(1000)));
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          reserveSend(workers[i % 2] ?? store(), send(`racer-${i}`, `flow-${i}:${user}`), cap, now),
        ),
      );
      assert.equal(answers.filter((a) => a.reserved).length, 1);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });
});
