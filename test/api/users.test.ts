import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { userHash } from '../../src/ingest/identity';
import { lastAddressOf } from '../../src/store/ledger';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
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
