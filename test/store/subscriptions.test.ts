import assert from 'node:assert/strict';
import {
  listSuppressions,
  suppress,
  suppressedAmong,
  suppressionOf,
  unsuppress,
} from '../../src/store/subscriptions';
import { onEveryStore } from './backends';

onEveryStore('suppressions', (store) => {
  it('keeps the first reason of an address, and an address learnt later', async () => {
    await suppress(store(), {
      addressHash: 'h1',
      address: null,
      reason: 'unsubscribed',
      source: 'link',
    });
    await suppress(store(), {
      addressHash: 'h1',
      address: 'ada@example.com',
      reason: 'bounced',
      source: 'email.bounced',
    });

    const s = await suppressionOf(store(), 'h1');
    assert.deepEqual(s && { ...s, suppressedAt: undefined }, {
      addressHash: 'h1',
      address: 'ada@example.com',
      reason: 'unsubscribed',
      source: 'link',
      suppressedAt: undefined,
    });
    assert.deepEqual(await suppressedAmong(store(), ['h0', 'h1']), ['h1']);
  });

  it('subscribes an address again, once', async () => {
    await suppress(store(), {
      addressHash: 'h2',
      address: null,
      reason: 'complained',
      source: 'api',
    });

    assert.equal(await unsuppress(store(), 'h2'), true);
    assert.equal(await unsuppress(store(), 'h2'), false);
    assert.equal(await suppressionOf(store(), 'h2'), undefined);
  });

  it('pages through every suppression once, oldest first', async () => {
    const hashes = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    for (const addressHash of hashes) {
      await suppress(store(), {
        addressHash,
        address: null,
        reason: 'unsubscribed',
        source: 'api',
      });
    }

    const seen: string[] = [];
    let page = await listSuppressions(store(), 3);
    while (page.length > 0) {
      seen.push(...page.map((s) => s.addressHash));
      const last = page.at(-1)!;
      page = await listSuppressions(store(), 3, last);
    }
    assert.deepEqual(
      seen.filter((h) => h.startsWith('page-')),
      hashes,
    );
    assert.equal(new Set(seen).size, seen.length);
  });
});
