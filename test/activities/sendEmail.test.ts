import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { closeActivities, createActivities, type SendEmailInput } from '../../src/activities';
import { startMailSink, type MailSink } from '../../src/devservices/mailSink';
import type { TemplateContext } from '../../src/templates';
import { emailsSuppressed } from '../../src/metrics';
import { findDelivery } from '../../src/store/ledger';
import { suppress } from '../../src/store/subscriptions';
import { readUnsubscribeToken } from '../../src/unsubscribeLink';
import { userHash } from '../../src/ingest/identity';
import { freePort } from '../harness/devServer';
import { harness } from '../harness/hooks';
import { failureOf } from './failureOf';
import { fakeSmtpServer } from './fakeSmtpServer';
import { startSmtpCapture } from './smtpCapture';

const context: TemplateContext = {
  user: { email: 'ada@example.com' },
  event: { name: 'signup', id: 'ev-1', properties: { name: '<img src=x onerror=alert(1)>' } },
  properties: { name: '<img src=x onerror=alert(1)>' },
  flow: { id: 'welcome', name: 'Welcome', version: '1' },
  nodes: {},
};

const base: SendEmailInput = {
  workflowId: 'welcome',
  nodeId: 'greet',
  subject: 'Hello {{ properties.name }}',
  body: '<p>Hello {{ properties.name }}</p><p>Bye</p>',
  context,
};

describe('sendEmail', () => {
  let sink: MailSink;
  let sendEmail: ReturnType<typeof createActivities>['sendEmail'];
  // A run of its own for every test: the ledger remembers what the others sent.
  let email: SendEmailInput;
  beforeEach(() => {
    email = { ...base, workflowId: `welcome:${randomUUID()}` };
  });

  const sendThrough = (smtpUrl: string) =>
    createActivities(
      {
        smtpUrl,
        mailFrom: 'flows@socktech.test',
        webhookBaseUrl: 'http://unused',
        publicUrl: 'http://socktech.test',
        secret: harness().secret,
      },
      harness().store,
    ).sendEmail;

  before(async () => {
    sink = await startMailSink();
    sendEmail = sendThrough(sink.smtpUrl);
  });
  afterEach(() => sink.clear());
  after(async () => {
    closeActivities();
    await sink.close();
  });

  it('renders the templates and delivers the message over SMTP', async () => {
    const before = Date.now();
    const result = await sendEmail(email);

    assert.ok(result.startedAt >= before && result.startedAt <= Date.now());
    const [message, ...others] = await sink.messages();
    assert.equal(others.length, 0);
    assert.equal(message.messageId, result.messageId);
    assert.match(message.messageId, /^<greet\.[0-9a-f]{16}@socktech>$/);
    assert.equal(message.headers['x-socktech-workflow-id'], email.workflowId);
    assert.deepEqual(message.to, ['ada@example.com']);
    assert.equal(message.subject, 'Hello <img src=x onerror=alert(1)>');
    const [body, footer] = message.html.split(/(?=<p style)/);
    assert.equal(body, '<p>Hello &lt;img src=x onerror=alert(1)&gt;</p><p>Bye</p>');
    assert.match(
      footer,
      /^<p style="[^"]*"><a href="http:\/\/socktech\.test\/unsubscribe\/[^"]+">Unsubscribe<\/a><\/p>$/,
    );
    assert.match(
      message.text.trim(),
      /^Hello <img src=x onerror=alert\(1\)>\nBye\n\nUnsubscribe: http:\/\/socktech\.test\/unsubscribe\/\S+$/,
    );
  });

  it("carries its recipient's signed one-click unsubscribe link (RFC 8058)", async () => {
    const capture = await startSmtpCapture();
    try {
      await sendThrough(capture.url)(email);

      const [headers] = capture.headers();
      const link = headers
        .map((h) => /^List-Unsubscribe: <(http:\/\/socktech\.test\/unsubscribe\/(\S+))>$/.exec(h))
        .find(Boolean);
      assert.ok(link, headers.join('\n'));
      assert.ok(headers.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click'));
      assert.deepEqual(readUnsubscribeToken(harness().secret, link[2]), {
        ok: true,
        addressHash: userHash('ada@example.com'),
      });
    } finally {
      await capture.close();
    }
  });

  it('sends no marketing email to a suppressed address, and counts it', async () => {
    const user = { email: `suppressed-${randomUUID()}@example.com` };
    const addressHash = userHash(user.email);
    await suppress(harness().store, {
      addressHash,
      address: null,
      reason: 'bounced',
      source: 'test',
    });
    const counted = async () =>
      (await emailsSuppressed.get()).values.find((v) => v.labels.flow === 'welcome')?.value ?? 0;
    const before = await counted();

    const marketing = await sendEmail({ ...email, context: { ...context, user } });
    const transactional = await sendEmail({
      ...email,
      nodeId: 'receipt',
      category: 'transactional',
      context: { ...context, user },
    });

    assert.equal(marketing.suppressed, true);
    assert.equal(marketing.messageId, undefined);
    assert.equal(await counted(), before + 1);
    assert.equal(transactional.suppressed, undefined);
    const sent = (await sink.messages()).filter((m) => m.to.includes(user.email));
    assert.deepEqual(
      sent.map((m) => m.messageId),
      [transactional.messageId],
    );
  });

  it('records the delivery in the ledger: key, category, reply, address and its hash, times', async () => {
    const result = await sendEmail(email);

    const key = { workflowId: email.workflowId, eventId: 'ev-1', nodeId: 'greet' };
    const row = await findDelivery(harness().store, key);
    assert.ok(row);
    const { reply, ...rest } = row;
    assert.match(reply, /^250 /);
    assert.deepEqual(rest, {
      ...key,
      channel: 'email',
      category: 'marketing',
      userHash: userHash('ada@example.com'),
      address: 'ada@example.com',
      addressHash: userHash('ada@example.com'),
      messageId: result.messageId,
      status: undefined,
      startedAt: new Date(result.startedAt),
      deliveredAt: new Date(result.finishedAt),
    });
  });

  it('sends once per run, event and node: the same send again returns the first', async () => {
    const first = await sendEmail(email);
    const again = await sendEmail(email);
    const laterJourney = await sendEmail({
      ...email,
      context: { ...context, event: { ...context.event, id: 'ev-2' } },
    });
    const otherRun = await sendEmail({ ...email, workflowId: `welcome:${randomUUID()}` });

    assert.deepEqual(again, { ...first, alreadyDelivered: true });
    assert.equal(first.alreadyDelivered, undefined);
    const ids = (await sink.messages()).map((m) => m.messageId);
    assert.deepEqual(ids, [first.messageId, laterJourney.messageId, otherRun.messageId]);
    assert.equal(new Set(ids).size, 3);
  });

  it('sends to the rendered `to` template when there is one', async () => {
    await sendEmail({ ...email, to: 'Ops <ops+{{ flow.id }}@example.com>' });

    const [message] = await sink.messages();
    assert.deepEqual(message.to, ['ops+welcome@example.com']);
  });

  it('fails for good, naming the variable, when a template refers to a missing one', async () => {
    const failure = await failureOf(sendEmail({ ...email, body: '<p>{{ properties.plan }}</p>' }));

    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.type, 'TemplateError');
    assert.match(failure.message, /^body template: .*properties\.plan/);
    assert.deepEqual(await sink.messages(), []);
  });

  it('fails for good on an invalid recipient address', async () => {
    const failure = await failureOf(sendEmail({ ...email, to: 'ada at example.com' }));

    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.message, 'Invalid recipient address "ada at example.com"');
  });

  it('fails transiently when the SMTP server cannot be reached', async () => {
    const port = await freePort();
    const failure = await failureOf(sendThrough(`smtp://127.0.0.1:${port}`)(email));

    assert.equal(failure.nonRetryable, false);
    assert.match(
      failure.message,
      new RegExp(`^Cannot send through SMTP server 127.0.0.1:${port}: .*ECONNREFUSED`),
    );
  });

  it('fails for good on an SMTP 5xx reply', async () => {
    const server = await fakeSmtpServer('550 5.1.1 No such user');
    try {
      const failure = await failureOf(sendThrough(server.url)(email));

      assert.equal(failure.nonRetryable, true);
      assert.equal(failure.type, 'SmtpRejected');
      assert.match(failure.message, /rejected the message: 550 5\.1\.1 No such user$/);
    } finally {
      await server.close();
    }
  });

  it('fails transiently on an SMTP 4xx reply', async () => {
    const server = await fakeSmtpServer('451 4.3.0 Try again later');
    try {
      const failure = await failureOf(sendThrough(server.url)(email));

      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.type, 'SmtpDeferred');
      assert.match(failure.message, /deferred the message: 451 4\.3\.0 Try again later$/);
    } finally {
      await server.close();
    }
  });
});
