import assert from 'node:assert/strict';
import { userHash } from '../../src/ingest/identity';
import { eraseAddress } from '../../src/store/erasure';
import { findDelivery, recordDelivery } from '../../src/store/ledger';
import { identify, profileOf, profilesWithEmail } from '../../src/store/profiles';
import { suppress, suppressionOf } from '../../src/store/subscriptions';
import { onEveryStore } from './backends';

onEveryStore('profiles and erasure', (store) => {
  it('merges the traits of identify calls, and keeps an email once known', async () => {
    const email = 'grace@example.com';
    await identify(store(), {
      userId: 'u1',
      email,
      emailHash: userHash(email),
      traits: { plan: 'free', name: 'Grace' },
    });
    await identify(store(), { userId: 'u1', traits: { plan: 'pro' } });

    const profile = await profileOf(store(), 'u1');
    assert.deepEqual(profile && { ...profile, updatedAt: undefined }, {
      userId: 'u1',
      email,
      traits: { plan: 'pro', name: 'Grace' },
      updatedAt: undefined,
    });
    assert.deepEqual(
      (await profilesWithEmail(store(), userHash(email))).map((p) => p.userId),
      ['u1'],
    );
    assert.equal(await profileOf(store(), 'nobody'), undefined);
  });

  it('erases an address: its profiles, its place in the ledger; its suppression by hash stays', async () => {
    const email = 'erase-me@example.com';
    const hash = userHash(email);
    await identify(store(), { userId: 'u2', email, emailHash: hash, traits: { email } });
    const sent = {
      workflowId: 'welcome:x',
      eventId: 'ev',
      nodeId: 'greet',
      channel: 'email' as const,
      userHash: hash,
      address: email,
      addressHash: hash,
      reply: '250 OK',
      messageId: '<greet.x@socktech>',
      startedAt: new Date(),
      deliveredAt: new Date(),
    };
    await recordDelivery(store(), sent);
    await suppress(store(), {
      addressHash: hash,
      address: email,
      reason: 'unsubscribed',
      source: 'api',
    });

    assert.deepEqual(await eraseAddress(store(), hash), { profiles: 1, deliveries: 1 });

    assert.equal(await profileOf(store(), 'u2'), undefined);
    assert.deepEqual(await findDelivery(store(), sent), {
      ...sent,
      address: null,
      status: undefined,
    });
    const suppression = await suppressionOf(store(), hash);
    assert.equal(suppression?.address, null);
    assert.equal(suppression?.reason, 'unsubscribed');
    assert.deepEqual(await eraseAddress(store(), hash), { profiles: 0, deliveries: 0 });
  });
});
