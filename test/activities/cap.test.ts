import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { SendEmailInput } from '../../src/activities';
import type { FrequencyCap } from '../../src/flows/frequencyCap';
import { userHash } from '../../src/ingest/identity';
import { emailsCapped } from '../../src/metrics';
import { findDelivery, recordDelivery } from '../../src/store/ledger';
import type { TemplateContext } from '../../src/templates';
import { harness } from '../harness/hooks';
import { failureOf } from './failureOf';
import { harnessActivities } from './harnessActivities';
import { fakeSmtpServer } from './fakeSmtpServer';

const HOUR = 3_600_000;
const cap: FrequencyCap = { max: 1, perMs: HOUR };

describe('sendEmail under a frequency cap', () => {
  // A user of each test's own: caps count per user, across runs and flows.
  let email: string;
  beforeEach(() => {
    email = `capped-${randomUUID()}@example.com`;
  });

  const input = (nodeId: string, extra: Partial<SendEmailInput> = {}): SendEmailInput => {
    const context: TemplateContext = {
      user: { email },
      event: { name: 'signup', id: 'ev-1', properties: {} },
      properties: {},
      flow: { id: 'capped', name: 'Capped', version: '1' },
      nodes: {},
    };
    return {
      workflowId: `capped:${email}`,
      nodeId,
      subject: 'Hi',
      body: '<p>Hi</p>',
      context,
      ...extra,
    };
  };
  const activities = harnessActivities;
  const received = async () =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.messageId);
  const capped = async () =>
    (await emailsCapped.get()).values.find((v) => v.labels.flow === 'capped')?.value ?? 0;

  it('sends nothing once the cap is reached, and says when the next email may go', async () => {
    const { sendEmail } = activities();
    const before = await capped();
    const first = await sendEmail(input('a', { frequencyCap: cap }));
    const second = await sendEmail(input('b', { frequencyCap: cap }));

    assert.equal(first.cappedUntil, undefined);
    const row = await findDelivery(harness().store, { ...input('a'), eventId: 'ev-1' });
    assert.equal(row?.category, 'marketing');
    assert.equal(second.cappedUntil, row!.deliveredAt.getTime() + HOUR);
    assert.equal(second.messageId, undefined);
    assert.deepEqual(await received(), [first.messageId]);
    assert.equal(await capped(), before + 1);
  });

  it('caps with FREQUENCY_CAP when the flow sets none, and never caps transactional email', async () => {
    const { sendEmail } = activities({ frequencyCap: cap });
    const news = await sendEmail(input('news'));
    const more = await sendEmail(input('more'));
    const receipt = await sendEmail(input('receipt', { category: 'transactional' }));

    assert.ok(more.cappedUntil);
    assert.equal(receipt.cappedUntil, undefined);
    assert.deepEqual(await received(), [news.messageId, receipt.messageId]);
  });

  it('counts the sends of other flows to the user, whatever their recipient', async () => {
    const at = new Date();
    await recordDelivery(harness().store, {
      workflowId: `other-flow:${email}`,
      eventId: 'ev-9',
      nodeId: 'promo',
      channel: 'email',
      category: 'marketing',
      userHash: userHash(email),
      address: 'someone-else@example.com',
      addressHash: userHash('someone-else@example.com'),
      reply: '250 OK',
      startedAt: at,
      deliveredAt: at,
    });

    const answer = await activities().sendEmail(input('a', { frequencyCap: cap }));
    assert.equal(answer.cappedUntil, at.getTime() + HOUR);
  });

  it('an attempt run again keeps its place and is not counted twice', async () => {
    const { sendEmail } = activities();
    const two = { max: 2, perMs: HOUR };
    const rejecting = await fakeSmtpServer('451 4.3.0 Try again later');
    try {
      const deferred = activities({ smtpUrl: rejecting.url }).sendEmail;
      assert.equal(
        (await failureOf(deferred(input('a', { frequencyCap: two })))).nonRetryable,
        false,
      );
      // Its retry, and another email: both within the cap of two.
      const retried = await sendEmail(input('a', { frequencyCap: two }));
      const other = await sendEmail(input('b', { frequencyCap: two }));
      const third = await sendEmail(input('c', { frequencyCap: two }));

      assert.deepEqual(await received(), [retried.messageId, other.messageId]);
      assert.ok(third.cappedUntil);
    } finally {
      await rejecting.close();
    }
  });

  it('a send refused for good frees its place', async () => {
    const rejecting = await fakeSmtpServer('550 5.1.1 No such user');
    try {
      const refused = activities({ smtpUrl: rejecting.url }).sendEmail;
      assert.equal(
        (await failureOf(refused(input('a', { frequencyCap: cap })))).nonRetryable,
        true,
      );

      const next = await activities().sendEmail(input('b', { frequencyCap: cap }));
      assert.deepEqual(await received(), [next.messageId]);
    } finally {
      await rejecting.close();
    }
  });
});
