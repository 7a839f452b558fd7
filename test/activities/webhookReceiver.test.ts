import assert from 'node:assert/strict';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';

describe('webhook receiver', () => {
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());

  it('answers 200 {"ok":true} and records the request', async () => {
    const response = await fetch(`${receiver.url}/a?b=1`, { method: 'POST', body: 'hi' });

    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { ok: true });
    const [request] = receiver.requests();
    assert.equal(request.method, 'POST');
    assert.equal(request.path, '/a?b=1');
    assert.equal(request.body, 'hi');
  });

  it('resolves waitFor on a request that arrives later', async () => {
    const waiting = receiver.waitFor((r) => r.path === '/second', 2_000);
    await fetch(`${receiver.url}/first`);
    await fetch(`${receiver.url}/second`);

    assert.equal((await waiting).path, '/second');
  });

  it('rejects waitFor when nothing matches in time', async () => {
    await assert.rejects(
      receiver.waitFor(() => false, 50),
      /No matching webhook request within 50 ms/,
    );
  });

  it('lists the recorded requests on GET /_requests', async () => {
    await fetch(`${receiver.url}/hook`, { method: 'POST', body: '{}' });

    const listed = (await (await fetch(`${receiver.url}/_requests`)).json()) as { path: string }[];
    assert.deepEqual(
      listed.map((r) => r.path),
      ['/hook'],
    );
  });
});
