import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { Analytics } from '@segment/analytics-node';
import type { Flow } from '../../src/flows/schema';
import { userHash, workflowIdFor } from '../../src/ingest/identity';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { sample, scrape } from './scrape';

const writeKey = 'segment-write-key';
const basic = (key: string) => `Basic ${Buffer.from(`${key}:`).toString('base64')}`;

describe('Segment-compatible ingestion', () => {
  let socktech: Socktech;
  let hello: Flow;
  let orders: Flow;

  before(async () => {
    hello = await testFlow({
      id: 'segment-hello',
      name: 'Hello from Segment',
      trigger: { event: 'Signed Up' },
      actions: [
        {
          id: 'hello',
          type: 'sendEmail',
          subject: 'Hello {{ properties.plan }}',
          body: '<p>Hi</p>',
        },
      ],
    });
    orders = await testFlow({
      id: 'segment-orders',
      name: 'Each order',
      reentry: 'every-event',
      trigger: { event: 'Order Completed' },
      actions: [{ id: 'hook', type: 'webhook', url: '/segment-orders' }],
    });
    socktech = await startSocktech([hello, orders], {}, { apiKeys: [writeKey] });
  });
  after(() => socktech.stop());

  const inbox = (email: string) =>
    waitUntil(async () => {
      const mine = (await harness().mail.messages()).filter((m) => m.to.includes(email));
      return mine.length > 0 && mine;
    }, `an email to ${email}`);

  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(`${socktech.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic(writeKey), ...headers },
      body,
    });

  it('takes track calls from the real Segment client: runs start, emails arrive', async () => {
    const stamp = Date.now();
    const fromContext = `context.${stamp}@example.com`;
    const fromProperties = `properties.${stamp}@example.com`;
    const before = await scrape(socktech.url);

    const analytics = new Analytics({ writeKey, host: socktech.url, flushAt: 10, maxRetries: 0 });
    const failures: unknown[] = [];
    analytics.on('error', (err) => failures.push(err));
    analytics.track({
      userId: 'u-1',
      event: 'Signed Up',
      properties: { plan: 'pro', email: 'not-this-one@example.com' },
      context: { traits: { email: fromContext } },
    });
    analytics.track({
      anonymousId: 'a-2',
      event: 'Signed Up',
      properties: { plan: 'free', email: fromProperties },
    });
    analytics.track({ userId: 'u-3', event: 'Signed Up', properties: { plan: 'pro' } });
    analytics.identify({ userId: 'u-1', traits: { email: fromContext } });
    analytics.page({ userId: 'u-1', name: 'Pricing' });
    await analytics.closeAndFlush();
    assert.deepEqual(failures, []);

    const [first] = await inbox(fromContext);
    assert.equal(first.subject, 'Hello pro');
    assert.equal((await inbox(fromProperties))[0].subject, 'Hello free');
    assert.equal(
      (await harness().mail.messages()).filter((m) => m.to.includes('not-this-one@example.com'))
        .length,
      0,
      'context.traits.email comes before properties.email',
    );

    const after = await scrape(socktech.url);
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const segment = { source: 'segment' };
    assert.equal(delta('socktech_events_received_total', segment), 5);
    assert.equal(delta('socktech_events_accepted_total', segment), 2);
    assert.equal(delta('socktech_events_rejected_total', { ...segment, reason: 'no_email' }), 1);
    assert.equal(delta('socktech_events_rejected_total', { ...segment, reason: 'not_track' }), 2);
  });

  it('takes traits.email last, and makes messageId the dedupe key', async () => {
    const email = `traits.${Date.now()}@example.com`;
    const call = {
      type: 'track',
      event: 'Order Completed',
      userId: 'u-4',
      messageId: `order-${Date.now()}`,
      traits: { email },
    };
    const duplicates = { flow: orders.id, outcome: 'duplicate' };
    const before = sample(await scrape(socktech.url), 'socktech_runs_total', duplicates);
    for (let i = 0; i < 2; i++) {
      const res = await post('/v1/track', JSON.stringify(call));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { success: true });
    }
    const workflowId = workflowIdFor(orders, userHash(email), call.messageId);
    await socktech.client.workflow.getHandle(workflowId).result();
    const after = sample(await scrape(socktech.url), 'socktech_runs_total', duplicates);
    assert.equal(after - before, 1, 'the same messageId again is a duplicate');
  });

  it('reads gzip-encoded batches', async () => {
    const email = `gzip.${Date.now()}@example.com`;
    const batch = {
      batch: [
        {
          type: 'track',
          event: 'Signed Up',
          userId: 'u-5',
          properties: { plan: 'gzip' },
          context: { traits: { email } },
        },
      ],
    };
    const res = await post('/v1/batch', gzipSync(JSON.stringify(batch)), {
      'content-encoding': 'gzip',
    });
    assert.equal(res.status, 200);
    await inbox(email);
  });

  it('reads the body as JSON whatever its Content-Type says, as Segment does', async () => {
    // Some server libraries send their gzip batch as a form; analytics.js sends text/plain.
    const types = ['application/x-www-form-urlencoded', 'text/plain', 'application/octet-stream'];
    const sent: string[] = [];
    for (const type of types) {
      for (const gzip of [true, false]) {
        for (const path of ['/v1/track', '/v1/batch']) {
          const email = `typed.${sent.length}.${Date.now()}@example.com`;
          const call = {
            type: 'track',
            event: 'Signed Up',
            userId: 'u-typed',
            properties: { plan: type },
            context: { traits: { email } },
          };
          const json = JSON.stringify(path === '/v1/batch' ? { batch: [call] } : call);
          const headers: Record<string, string> = { 'content-type': type };
          if (gzip) headers['content-encoding'] = 'gzip';
          const res = await post(path, gzip ? gzipSync(json) : json, headers);
          assert.equal(res.status, 200, `${path} ${type}${gzip ? ' gzip' : ''}`);
          sent.push(email);
        }
      }
    }
    for (const email of sent) await inbox(email);
  });

  it("keeps Segment's limits: 32 KB a call, 500 KB a batch after decompression", async () => {
    const call = (size: number) => ({
      type: 'track',
      event: 'Too Big',
      userId: 'u-6',
      properties: { pad: 'x'.repeat(size) },
    });
    const bigCall = await post('/v1/track', JSON.stringify(call(33 * 1024)));
    assert.equal(bigCall.status, 413);
    assert.match(((await bigCall.json()) as any).error, /32 KB/);

    const bigCallInBatch = await post('/v1/batch', JSON.stringify({ batch: [call(33 * 1024)] }));
    assert.equal(bigCallInBatch.status, 413);

    const calls = Array.from({ length: 20 }, () => call(30 * 1024));
    const zipped = gzipSync(JSON.stringify({ batch: calls }));
    assert.ok(zipped.length < 32 * 1024, 'small on the wire');
    const bigBatch = await post('/v1/batch', zipped, { 'content-encoding': 'gzip' });
    assert.equal(bigBatch.status, 413);
    assert.match(((await bigBatch.json()) as any).error, /500 KB/);
  });

  it('needs the write key as the Basic user name', async () => {
    const call = JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u-7' });
    assert.equal((await post('/v1/track', call, { authorization: '' })).status, 401);
    assert.equal((await post('/v1/track', call, { authorization: basic('wrong') })).status, 401);
    assert.equal((await post('/v1/track', call)).status, 200);
  });

  it('answers 400 to a body that is not a batch', async () => {
    const res = await post('/v1/batch', JSON.stringify({ calls: [] }));
    assert.equal(res.status, 400);
  });
});
