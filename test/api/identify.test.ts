import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { profileOf } from '../../src/store/profiles';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const writeKey = 'identify-key';

describe('Segment identify calls', () => {
  let socktech: Socktech;

  before(async () => {
    const flow = await testFlow({
      id: 'identified',
      name: 'Identified',
      reentry: 'every-event',
      trigger: { event: 'Trial Started' },
      actions: [{ id: 'hello', type: 'sendEmail', subject: 'Trial started', body: '<p>Hi</p>' }],
    });
    socktech = await startSocktech([flow], {}, { apiKeys: [writeKey] });
  });
  after(() => socktech.stop());

  const batch = (calls: unknown[]) =>
    socktech.post(
      '/v1/batch',
      { batch: calls },
      { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
    );

  it('store the user, so that a track call with its userId alone reaches its email', async () => {
    const userId = `u-${randomUUID()}`;
    const email = `identified-${randomUUID()}@example.com`;
    const first = await batch([
      { type: 'identify', userId, traits: { email, plan: 'free', name: 'Grace' } },
      { type: 'identify', userId, traits: { plan: 'pro' } },
      { type: 'track', userId, event: 'Trial Started', messageId: randomUUID() },
    ]);
    assert.equal(first.status, 200);

    const mail = await waitUntil(
      async () => (await harness().mail.messages()).find((m) => m.to.includes(email)),
      'the email of the track call without one',
    );
    assert.equal(mail.subject, 'Trial started');
    const profile = await profileOf(harness().store, userId);
    assert.deepEqual(profile?.traits, { email, plan: 'pro', name: 'Grace' });
    assert.equal(profile?.email, email);
  });

  it('unsubscribe the email with traits.unsubscribed: true', async () => {
    const email = `leaving-${randomUUID()}@example.com`;
    await batch([
      { type: 'identify', userId: `u-${randomUUID()}`, traits: { email, unsubscribed: true } },
    ]);

    const res = await fetch(`${socktech.url}/v1/users/${email}/subscription`, {
      headers: { authorization: `Bearer ${writeKey}` },
    });
    const { subscribed, suppression } = (await res.json()) as any;
    assert.equal(subscribed, false);
    assert.equal(suppression.source, 'segment identify');
  });
});
