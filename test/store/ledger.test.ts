import assert from 'node:assert/strict';
import type { Sql } from '../../src/store/db';
import { findDelivery, recordDelivery, type Delivery } from '../../src/store/ledger';
import { onEveryStore } from './backends';

const delivery: Delivery = {
  workflowId: 'welcome:3f2a',
  eventId: 'ev-1',
  nodeId: 'greet',
  channel: 'email',
  userHash: '3f2a',
  address: 'ada@example.com',
  addressHash: '3f2a',
  reply: '250 2.0.0 Ok: queued as 4B1C',
  messageId: '<greet.0123456789abcdef@socktech>',
  startedAt: new Date('2025-03-04T05:06:07.089Z'),
  deliveredAt: new Date('2025-03-04T05:06:07.123Z'),
};

onEveryStore('the send ledger', (store) => {
  it('gives back a recorded delivery as it was recorded, to the millisecond', async () => {
    await recordDelivery(store(), delivery);

    assert.deepEqual(await findDelivery(store(), delivery), { ...delivery, status: undefined });
  });

  it('keeps the first record of a key and drops a later one', async () => {
    const key = { ...delivery, nodeId: 'twice' };
    await recordDelivery(store(), key);
    await recordDelivery(store(), { ...key, reply: '250 again', deliveredAt: new Date() });

    assert.equal((await findDelivery(store(), key))?.reply, delivery.reply);
  });

  it('tells apart the sends of two journeys through one workflow ID', async () => {
    const webhook: Delivery = {
      ...delivery,
      nodeId: 'notify',
      channel: 'webhook',
      reply: '200 OK',
      messageId: undefined,
      status: 200,
    };
    await recordDelivery(store(), webhook);

    assert.equal(await findDelivery(store(), { ...webhook, eventId: 'ev-2' }), undefined);
    assert.deepEqual(await findDelivery(store(), webhook), webhook);
  });

  it('records and finds many sends at once, each as if alone (they share statements)', async () => {
    const sends = Array.from({ length: 40 }, (_, i) => ({
      ...delivery,
      workflowId: `many:${i}`,
      status: i % 2 === 0 ? 200 : undefined,
      messageId: i % 2 === 0 ? undefined : `<m${i}@socktech>`,
    }));
    const again = sends.slice(0, 10).map((d) => ({ ...d, reply: 'a later record' }));

    let statements = 0;
    const counted: Sql = {
      query: (text, params) => (statements++, store().query(text, params)),
      exec: (text) => store().exec(text),
    };

    await Promise.all([...sends, ...again].map((d) => recordDelivery(counted, d)));
    const found = await Promise.all(
      [...sends, { ...delivery, workflowId: 'many:none' }].map((d) => findDelivery(counted, d)),
    );

    assert.deepEqual(found, [...sends, undefined]);
    assert.ok(statements <= 4, `${statements} statements for 91 sends and lookups`);
  });
});
