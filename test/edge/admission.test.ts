import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { buildIndex } from '../../src/flows/load';
import type { EventResult, Ingest } from '../../src/ingest/ingest';
import { harness } from '../harness/hooks';
import { waitUntil } from '../harness/waitUntil';
import { sample, scrape } from './scrape';

/** An ingest that answers only when told to, so the test decides what is in flight. */
function heldIngest() {
  const waiting: (() => void)[] = [];
  const ingest: Ingest = (events) =>
    new Promise<EventResult[]>((resolve) =>
      waiting.push(() =>
        resolve(events.map((e) => ({ id: e.id ?? 'x', matched: [], delivered: [] }))),
      ),
    );
  return { ingest, waiting, releaseAll: () => waiting.splice(0).forEach((go) => go()) };
}

const event = (i: number) => ({
  name: 'busy.test',
  email: `busy${i}@example.com`,
  id: `busy-${i}`,
});

describe('too many events in flight', () => {
  it('refuses what exceeds INGEST_MAX_IN_FLIGHT with 429 and Retry-After, whole and at once', async () => {
    const held = heldIngest();
    const app = createApp({
      client: harness().env.client,
      store: harness().store,
      secret: harness().secret,
      ingest: held.ingest,
      flows: () => buildIndex([]),
      logError: (err) => console.error(err),
      ingestMaxInFlight: 3,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: unknown) =>
      fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    try {
      const before = await scrape(url);
      // A batch bigger than the limit still goes in when nothing else is in flight.
      const big = post([1, 2, 3, 4].map(event));
      await waitUntil(() => held.waiting.length === 1, 'the first request in flight');
      const refused = await post(event(5));
      assert.equal(refused.status, 429);
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.match(((await refused.json()) as { error: string }).error, /INGEST_MAX_IN_FLIGHT/);
      held.releaseAll();
      assert.equal((await big).status, 202);

      // Within the limit, requests are let in side by side; the one that would pass it is not.
      const first = post([1, 2].map(event));
      await waitUntil(() => held.waiting.length === 1, 'the first request in flight');
      const second = post(event(3));
      await waitUntil(() => held.waiting.length === 2, 'the second request in flight');
      const third = await post([4, 5].map(event));
      assert.equal(third.status, 429);
      held.releaseAll();
      assert.deepEqual([(await first).status, (await second).status], [202, 202]);

      const after = await scrape(url);
      const busy = { source: 'events', reason: 'busy' };
      const counted =
        sample(after, 'socktech_events_rejected_total', busy) -
        sample(before, 'socktech_events_rejected_total', busy);
      assert.equal(counted, 3);
    } finally {
      held.releaseAll();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
