import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../src/activities';
import type { Flow } from '../../src/flows/schema';
import type { TemplateContext } from '../../src/templates';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

describe('at most one delivery per node of a run', () => {
  let socktech: Socktech;
  let flow: Flow;

  before(async () => {
    flow = await testFlow({
      id: 'sent-once',
      name: 'Sent once',
      reentry: 'after-exit',
      trigger: { event: 'sent-once' },
      actions: [
        { id: 'greet', type: 'sendEmail', subject: 'Welcome', body: '<p>Hi</p>' },
        { id: 'notify', type: 'webhook', url: '/sent-once', after: ['greet'] },
      ],
    });
    socktech = await startSocktech([flow]);
  });
  after(() => socktech.stop());

  /** Runs the flow for `email` to its end; the context its actions rendered with. */
  async function runFor(email: string): Promise<{ workflowId: string; context: TemplateContext }> {
    // An id of its own: the same event without one is the same event, sent once.
    const reply = await socktech.post('/v1/events', { name: 'sent-once', email, id: randomUUID() });
    const [{ id, matched }] = reply.body.events;
    const { workflowId } = matched[0];
    await socktech.client.workflow.getHandle(workflowId).result();
    const event = { name: 'sent-once', id, properties: {} };
    const { name, version } = flow;
    const context = {
      user: { email },
      event,
      properties: {},
      flow: { id: flow.id, name, version },
      nodes: {},
    };
    return { workflowId, context };
  }

  const delivered = async (email: string) => {
    const h = harness();
    const messages = (await h.mail.messages()).filter((m) => m.to.includes(email));
    const hooks = h.webhooks.requests().filter((r) => JSON.parse(r.body).user?.email === email);
    return { messages, hooks };
  };

  it('an action run again for a node that delivered returns that delivery and sends nothing', async () => {
    const h = harness();
    const email = `sent-once-${randomUUID()}@example.com`;
    const { workflowId, context } = await runFor(email);

    // What Temporal does when a workflow task's completion is lost: the same local activities
    // with the same input, once more.
    const activities = createActivities(
      {
        smtpUrl: h.mail.smtpUrl,
        mailFrom: 'test@socktech.local',
        webhookBaseUrl: h.webhooks.url,
        publicUrl: socktech.url,
        secret: h.secret,
      },
      h.store,
    );
    const email2 = await activities.sendEmail({
      workflowId,
      nodeId: 'greet',
      subject: 'Welcome',
      body: '<p>Hi</p>',
      context,
    });
    const hook2 = await activities.callWebhook({
      workflowId,
      nodeId: 'notify',
      url: '/sent-once',
      method: 'POST',
      context,
    });

    const { messages, hooks } = await delivered(email);
    assert.equal(messages.length, 1);
    assert.equal(hooks.length, 1);
    assert.equal(email2.messageId, messages[0].messageId);
    assert.equal(email2.alreadyDelivered, true);
    assert.equal(hook2.status, 200);
    assert.equal(hook2.alreadyDelivered, true);
  });

  it('a later journey of the same user, through the same workflow ID, sends again', async () => {
    const email = `sent-again-${randomUUID()}@example.com`;
    const first = await runFor(email);
    const second = await runFor(email);

    assert.equal(second.workflowId, first.workflowId);
    const { messages, hooks } = await delivered(email);
    assert.equal(messages.length, 2);
    assert.notEqual(messages[0].messageId, messages[1].messageId);
    assert.equal(hooks.length, 2);
    assert.notEqual(hooks[0].headers['idempotency-key'], hooks[1].headers['idempotency-key']);
  });
});
