import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createActivities, type WebhookInput } from '../../src/activities';
import {
  startWebhookReceiver,
  type RecordedRequest,
  type WebhookReceiver,
} from '../../src/devservices/webhookReceiver';
import type { TemplateContext } from '../../src/templates';
import { userHash } from '../../src/ingest/identity';
import { findDelivery } from '../../src/store/ledger';
import { freePort } from '../harness/devServer';
import { harness } from '../harness/hooks';
import { failureOf } from './failureOf';

const context: TemplateContext = {
  user: { email: 'ada@example.com' },
  event: {
    name: 'upgrade',
    id: 'ev-7',
    timestamp: '2025-01-02T03:04:05.000Z',
    properties: { plan: 'pro & more' },
  },
  properties: { plan: 'pro & more' },
  flow: { id: 'upsell', name: 'Upsell', version: '3' },
  nodes: {},
};

const base: WebhookInput = {
  workflowId: 'upsell',
  nodeId: 'notify',
  url: '/hooks/upgrade',
  method: 'POST',
  context,
};

describe('callWebhook', () => {
  let receiver: WebhookReceiver;
  let respond: (req: RecordedRequest) => number | Promise<number>;
  let callWebhook: ReturnType<typeof createActivities>['callWebhook'];
  // A run of its own for every test: the ledger remembers what the others called.
  let hook: WebhookInput;
  let idempotencyKey: string;

  const callWith = (webhookTimeoutMs?: number) =>
    createActivities(
      {
        smtpUrl: 'smtp://unused',
        mailFrom: 'flows@socktech.test',
        webhookBaseUrl: receiver.url,
        webhookTimeoutMs,
        publicUrl: 'http://socktech.test',
        secret: harness().secret,
      },
      harness().store,
    ).callWebhook;

  before(async () => {
    receiver = await startWebhookReceiver({ respond: (req) => respond(req) });
    callWebhook = callWith();
  });
  beforeEach(() => {
    respond = () => 200;
    receiver.clear();
    hook = { ...base, workflowId: `upsell:${randomUUID()}` };
    idempotencyKey = `${hook.workflowId}/ev-7/notify`;
  });
  after(() => receiver.close());

  it('sends the idempotency key and a JSON summary of the run by default', async () => {
    const before = Date.now();
    const result = await callWebhook(hook);

    assert.equal(result.status, 200);
    assert.ok(result.startedAt >= before && result.startedAt <= Date.now());
    const [request] = receiver.requests();
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/hooks/upgrade');
    assert.equal(request.headers['idempotency-key'], idempotencyKey);
    assert.equal(request.headers['user-agent'], 'socktech');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request.body), {
      flow: { id: 'upsell', name: 'Upsell', version: '3' },
      node: 'notify',
      workflowId: hook.workflowId,
      event: context.event,
      user: { email: 'ada@example.com' },
    });
  });

  it('records the call in the ledger, and a second call for the node returns it', async () => {
    const first = await callWebhook(hook);
    const again = await callWebhook(hook);

    assert.deepEqual(again, { ...first, alreadyDelivered: true });
    assert.equal(receiver.requests().length, 1);
    const key = { workflowId: hook.workflowId, eventId: 'ev-7', nodeId: 'notify' };
    assert.deepEqual(await findDelivery(harness().store, key), {
      ...key,
      channel: 'webhook',
      userHash: userHash('ada@example.com'),
      address: 'ada@example.com',
      addressHash: userHash('ada@example.com'),
      reply: '200 OK',
      messageId: undefined,
      status: 200,
      startedAt: new Date(first.startedAt),
      deliveredAt: new Date(first.finishedAt),
    });
  });

  it('renders the url, header and body templates without escaping', async () => {
    await callWebhook({
      ...hook,
      method: 'PUT',
      url: `${receiver.url}/plans/{{ event.id }}`,
      headers: { 'Content-Type': 'text/plain', 'X-Plan': '{{ properties.plan }}' },
      body: 'plan={{ properties.plan }}',
    });

    const [request] = receiver.requests();
    assert.equal(request.method, 'PUT');
    assert.equal(request.path, '/plans/ev-7');
    assert.equal(request.headers['content-type'], 'text/plain');
    assert.equal(request.headers['x-plan'], 'pro & more');
    assert.equal(request.body, 'plan=pro & more');
  });

  it('sends no body with a GET', async () => {
    await callWebhook({ ...hook, method: 'GET' });

    const [request] = receiver.requests();
    assert.equal(request.body, '');
    assert.equal(request.headers['content-type'], undefined);
    assert.equal(request.headers['idempotency-key'], idempotencyKey);
  });

  it('fails transiently on a 503, and the same call goes through once the server recovers', async () => {
    let calls = 0;
    respond = () => (++calls <= 2 ? 503 : 200);

    for (let attempt = 1; attempt <= 2; attempt++) {
      const failure = await failureOf(callWebhook(hook));
      assert.equal(failure.nonRetryable, false);
      assert.equal(
        failure.message,
        `HTTP 503 Service Unavailable from POST ${receiver.url}/hooks/upgrade`,
      );
    }
    assert.equal((await callWebhook(hook)).status, 200);
    const keys = receiver.requests().map((r) => r.headers['idempotency-key']);
    assert.deepEqual(keys, Array(3).fill(idempotencyKey));
  });

  it('fails transiently on a 429', async () => {
    respond = () => 429;
    const failure = await failureOf(callWebhook(hook));

    assert.equal(failure.nonRetryable, false);
  });

  it('fails for good on a 404', async () => {
    respond = () => 404;
    const failure = await failureOf(callWebhook(hook));

    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.message, `HTTP 404 Not Found from POST ${receiver.url}/hooks/upgrade`);
  });

  it('fails transiently when the connection is refused', async () => {
    const url = `http://127.0.0.1:${await freePort()}/hooks`;
    const failure = await failureOf(callWebhook({ ...hook, url }));

    assert.equal(failure.nonRetryable, false);
    assert.equal(failure.type, 'HttpUnavailable');
    assert.match(failure.message, /failed: connect ECONNREFUSED/);
  });

  it('fails transiently when the server does not answer in time', async () => {
    let answer = (_status: number) => {};
    respond = () => new Promise((resolve) => (answer = resolve));
    try {
      const failure = await failureOf(callWith(100)(hook));

      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.type, 'HttpTimeout');
      assert.equal(
        failure.message,
        `No response within 100 ms from POST ${receiver.url}/hooks/upgrade`,
      );
    } finally {
      answer(200);
    }
  });

  it('fails for good, naming the variable, when a template refers to a missing one', async () => {
    const failure = await failureOf(
      callWebhook({ ...hook, url: '/users/{{ properties.userId }}' }),
    );

    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.type, 'TemplateError');
    assert.match(failure.message, /^url template: .*properties\.userId/);
    assert.deepEqual(receiver.requests(), []);
  });

  it('fails for good on a URL that is not http(s)', async () => {
    const failure = await failureOf(callWebhook({ ...hook, url: 'hooks/upgrade' }));

    assert.equal(failure.nonRetryable, true);
    assert.equal(failure.type, 'InvalidUrl');
  });
});
