import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import pg from 'pg';
import pino from 'pino';
import { serveApi, type Serving } from '../../src/api/serve';
import { buildIndex } from '../../src/flows/load';
import { userHash } from '../../src/ingest/identity';
import { openStore, type Store } from '../../src/store/db';
import { lastAddressOf } from '../../src/store/ledger';
import { clientFor } from '../../src/temporal/connection';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const key = 'users-key';

describe('a user over the API', () => {
  let socktech: Socktech;

  before(async () => {
    const flow = await testFlow({
      id: 'profiled',
      name: 'Profiled',
      trigger: { event: 'profiled' },
      actions: [{ id: 'hello', type: 'sendEmail', subject: 'Hello', body: '<p>Hi</p>' }],
    });
    socktech = await startSocktech([flow], {}, { apiKeys: [key] });
  });
  after(() => socktech.stop());

  const api = async (path: string, method = 'GET', body?: unknown): Promise<any> => {
    const res = await fetch(socktech.url + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };

  it('shows the profile, the subscription, the messages sent and the runs', async () => {
    const email = `profiled-${randomUUID()}@example.com`;
    const userId = `u-${randomUUID()}`;
    await socktech.post(
      '/v1/batch',
      { batch: [{ type: 'identify', userId, traits: { email, plan: 'pro' } }] },
      { authorization: `Bearer ${key}` },
    );
    const sent = await socktech.post(
      '/v1/events',
      { name: 'profiled', email },
      { authorization: `Bearer ${key}` },
    );
    const { workflowId } = sent.body.events[0].matched[0];
    await socktech.client.workflow.getHandle(workflowId).result();

    const user = await waitUntil(async () => {
      const found = await api(`/v1/users/${email}`);
      return found.runs.length === 1 && found;
    }, 'the run to be listed');
    assert.equal(user.status, 200);
    assert.deepEqual(
      user.profiles.map((p: { userId: string; traits: unknown }) => [p.userId, p.traits]),
      [[userId, { email, plan: 'pro' }]],
    );
    assert.deepEqual(user.subscription, { subscribed: true, suppression: null });
    assert.deepEqual(
      user.messages.map((m: { workflowId: string; nodeId: string; channel: string }) => [
        m.workflowId,
        m.nodeId,
        m.channel,
      ]),
      [[workflowId, 'hello', 'email']],
    );
    assert.match(user.messages[0].reply, /^250 /);
    assert.equal(user.runs[0].workflowId, workflowId);
  });

  it('finds a user by the userId of identify calls', async () => {
    const email = `by-id-${randomUUID()}@example.com`;
    const userId = `u/${randomUUID()}`;
    const noEmail = `u-${randomUUID()}`;
    await socktech.post(
      '/v1/batch',
      {
        batch: [
          { type: 'identify', userId, traits: { email, plan: 'pro' } },
          { type: 'identify', userId: noEmail, traits: { plan: 'free' } },
        ],
      },
      { authorization: `Bearer ${key}` },
    );

    const user = await api(`/v1/users/by-id/${encodeURIComponent(userId)}`);

    assert.equal(user.status, 200);
    assert.equal(user.email, email);
    assert.deepEqual(
      user.profiles.map((p: { userId: string }) => p.userId),
      [userId],
    );
    assert.deepEqual(user.subscription, { subscribed: true, suppression: null });
    const unknown = await api('/v1/users/by-id/nobody-at-all');
    assert.deepEqual(
      [unknown.status, unknown.error],
      [404, 'no user with userId "nobody-at-all": identify calls make users'],
    );
    const emailless = await api(`/v1/users/by-id/${noEmail}`);
    assert.equal(emailless.status, 404);
    assert.match(emailless.error, /has no email: an identify call with traits.email gives it one/);
    // The route comes before /v1/users/:email/subscription, which this path matches too.
    assert.equal((await api('/v1/users/by-id/subscription')).status, 404);
  });

  it('erases a user: profile and addresses gone, unsubscribed still', async () => {
    const email = `erased-${randomUUID()}@example.com`;
    const hash = userHash(email);
    await socktech.post(
      '/v1/batch',
      { batch: [{ type: 'identify', userId: `u-${randomUUID()}`, traits: { email } }] },
      { authorization: `Bearer ${key}` },
    );
    const sent = await socktech.post(
      '/v1/events',
      { name: 'profiled', email },
      { authorization: `Bearer ${key}` },
    );
    await socktech.client.workflow.getHandle(sent.body.events[0].matched[0].workflowId).result();
    await api(`/v1/users/${email}/subscription`, 'PUT', { subscribed: false });
    assert.equal(await lastAddressOf(harness().store, hash), email);

    const erased = await api(`/v1/users/${email}`, 'DELETE');

    assert.deepEqual(erased, { status: 200, email, profiles: 1, deliveries: 1 });
    assert.equal(await lastAddressOf(harness().store, hash), null);
    const after = await api(`/v1/users/${email}`);
    assert.deepEqual(after.profiles, []);
    assert.equal(after.messages.length, 1, 'the send still counts');
    assert.equal(after.subscription.subscribed, false);
    const { suppressions } = await api('/v1/suppressions?pageSize=1000');
    const kept = suppressions.find((s: { addressHash: string }) => s.addressHash === hash);
    assert.equal(kept.address, null);

    const bad = await api('/v1/users/not-an-email', 'DELETE');
    assert.deepEqual([bad.status, bad.problems], [400, ['email: must be an email address']]);
  });
});

describe('the users routes and ingest when the store is down', () => {
  const email = `down-${randomUUID()}@example.com`;
  let store: Store;
  let api: Serving;
  let client: Client;

  before(async () => {
    const h = harness();
    const url = await freshPostgresDatabase();
    store = await openStore({ url });
    const flow = await testFlow({
      id: 'store-down',
      name: 'Store down',
      trigger: { event: 'store.down' },
      actions: [{ id: 'hello', type: 'sendEmail', subject: 'Hello', body: 'Hi' }],
    });
    client = clientFor(h.env.nativeConnection, { namespace: 'default', taskQueue: 'store-down' });
    api = await serveApi({
      client,
      store,
      secret: h.secret,
      flows: () => buildIndex([flow]),
      taskQueue: `store-down-${randomUUID()}`,
      eagerStart: false,
      host: '127.0.0.1',
      port: 0,
      log: pino({ enabled: false }),
    });
    // What a database server lost, or a database dropped under a running API, look like.
    const server = new URL(url);
    const name = server.pathname.slice(1);
    server.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: server.toString() });
    await admin.connect();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  });
  after(async () => {
    await api?.close();
    await store?.close();
  });

  const call = async (path: string, method = 'GET', body?: unknown) => {
    const res = await fetch(api.url + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = (await res.json()) as { error?: string };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), error: reply.error };
  };

  it('answers 503 with Retry-After on every users and subscription route', async () => {
    const routes: [string, string, unknown?][] = [
      [`/v1/users/${email}`, 'GET'],
      ['/v1/users/by-id/u-1', 'GET'],
      [`/v1/users/${email}`, 'DELETE'],
      [`/v1/users/${email}/subscription`, 'GET'],
      [`/v1/users/${email}/subscription`, 'PUT', { subscribed: false }],
    ];
    for (const [path, method, body] of routes) {
      const reply = await call(path, method, body);
      assert.deepEqual([reply.status, reply.retryAfter], [503, '5'], `${method} ${path}`);
      assert.match(reply.error ?? '', /^Socktech's store is unreachable \(.+\): try again$/);
    }
  });

  it('answers an event that needs the store 503, with nothing started', async () => {
    const reply = await call('/v1/events', 'POST', { name: 'store.down', email });

    assert.deepEqual([reply.status, reply.retryAfter], [503, '5']);
    await assert.rejects(
      client.workflow.getHandle(`store-down:${userHash(email)}`).describe(),
      WorkflowNotFoundError,
    );
    const unmatched = await call('/v1/events', 'POST', { name: 'no.flow', email });
    assert.equal(unmatched.status, 202, 'an event that matches no flow needs no store');
  });
});
