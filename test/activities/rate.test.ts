import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startWebhookReceiver } from '../../src/devservices/webhookReceiver';
import { rateWaits } from '../../src/metrics';
import type { TemplateContext } from '../../src/templates';
import { harness } from '../harness/hooks';
import { harnessActivities } from './harnessActivities';
import { waitUntil } from '../harness/waitUntil';

// One send per two seconds: a send a moment after another is always over it.
const rate = { max: 1, perMs: 2000 };

describe('sends under a provider rate limit', () => {
  let email: string;
  let context: TemplateContext;
  beforeEach(() => {
    email = `rated-${randomUUID()}@example.com`;
    context = {
      user: { email },
      event: { name: 'signup', id: 'ev-1', properties: {} },
      properties: {},
      flow: { id: 'rated', name: 'Rated', version: '1' },
      nodes: {},
    };
  });

  const activities = harnessActivities;
  const waits = async (limit: string) =>
    (await rateWaits.get()).values.find((v) => v.labels.limit === limit)?.value ?? 0;

  it('an email over SMTP_RATE waits its turn: nothing sent, then sent at its slot', async () => {
    const { sendEmail } = activities({ smtpRate: rate });
    const before = await waits('smtp');
    const email1 = { workflowId: `rated:${email}`, subject: 'Hi', body: '<p>Hi</p>', context };
    const first = await sendEmail({ ...email1, nodeId: 'a' });
    const second = await sendEmail({ ...email1, nodeId: 'b' });

    assert.equal(first.rateLimited, undefined);
    assert.ok(second.rateLimited, 'the second email is told to wait');
    const { waitMs, slot } = second.rateLimited;
    assert.ok(waitMs > 0 && waitMs <= 2000, `waits one interval at most, not ${waitMs} ms`);
    assert.equal(second.messageId, undefined);
    assert.equal(await waits('smtp'), before + 1);
    const sent = async () =>
      (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.messageId);
    assert.deepEqual(await sent(), [first.messageId]);

    // At its slot, and once the first has been done for a whole window.
    await waitUntil(() => Date.now() >= Math.max(slot, first.finishedAt + 2000), 'its turn');
    const again = await sendEmail({ ...email1, nodeId: 'b', rateSlot: slot });
    assert.equal(again.rateLimited, undefined);
    assert.deepEqual(await sent(), [first.messageId, again.messageId]);
  });

  it('a webhook over WEBHOOK_RATE waits, each host (and port) under a limit of its own', async () => {
    const { callWebhook } = activities({ webhookRate: rate });
    const other = await startWebhookReceiver({ port: 0 });
    try {
      const hook = { workflowId: `rated:${email}`, method: 'POST' as const, context };
      const first = await callWebhook({ ...hook, nodeId: 'a', url: `${harness().webhooks.url}/x` });
      const elsewhere = await callWebhook({ ...hook, nodeId: 'b', url: `${other.url}/x` });
      const second = await callWebhook({
        ...hook,
        nodeId: 'c',
        url: `${harness().webhooks.url}/x`,
      });

      assert.equal(first.status, 200);
      assert.equal(elsewhere.status, 200);
      assert.ok(second.rateLimited);
      assert.equal(second.status, undefined);
    } finally {
      await other.close();
    }
  });
});
