import assert from 'node:assert/strict';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { serveApi } from '../../src/api/serve';
import { errorReplySchema } from '../../src/api/openapi';
import { buildIndex } from '../../src/flows/load';
import { sample, scrape } from '../edge/scrape';
import { startTestServer } from '../harness/devServer';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

const hook = (id: string) => ({
  id,
  type: 'webhook' as const,
  url: `${harness().webhooks.url}/ingest`,
});

async function notStarted(socktech: Socktech, workflowId: string): Promise<boolean> {
  return socktech.client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => false,
      (err: unknown) => err instanceof WorkflowNotFoundError,
    );
}

describe('ingest never half-succeeds silently', () => {
  let socktech: Socktech;

  before(async () => {
    socktech = await startSocktech(
      await Promise.all([
        testFlow({
          id: 'steady',
          name: 'Steady',
          trigger: { event: 'batch.item' },
          actions: [hook('a')],
        }),
        // Temporal refuses a workflow ID over 1,000 characters: a start that fails for real.
        testFlow({
          id: 'x'.repeat(1000),
          name: 'Broken',
          trigger: { event: 'batch.broken' },
          actions: [hook('a')],
        }),
        testFlow({
          id: 'each-event',
          name: 'Each event',
          reentry: 'every-event',
          trigger: { event: 'ordered' },
          actions: [hook('a')],
        }),
      ]),
    );
  });
  after(() => socktech.stop());

  it('answers a batch with one failed start per event: the others started, the failed one an error', async () => {
    const stamp = Date.now();
    const batch = [
      { name: 'batch.item', email: `item.${stamp}@example.com`, id: `item-${stamp}` },
      { name: 'batch.broken', email: `broken.${stamp}@example.com`, id: `broken-${stamp}` },
    ];
    const first = await socktech.post('/v1/events', batch);
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const [item, broken] = first.body.events;
    assert.equal(item.matched[0].outcome, 'started');
    assert.equal(broken.matched[0].outcome, 'error');
    assert.match(broken.matched[0].reason, /\w/);
    assert.equal(await notStarted(socktech, item.matched[0].workflowId), false);

    const retried = await socktech.post('/v1/events', batch);
    assert.equal(retried.status, 202);
    assert.deepEqual(
      retried.body.events.map((e: { matched: { outcome: string }[] }) => e.matched[0].outcome),
      ['duplicate', 'error'],
    );
  });

  it('gives an event without an id one derived from its content: sent again, it is a duplicate', async () => {
    const stamp = Date.now();
    const event = {
      name: 'ordered',
      email: `Orders.${stamp}@Example.com`,
      properties: { order: 'A-1', lines: [{ sku: 'sock', n: 2 }] },
    };
    const first = await socktech.post('/v1/events', event);
    const again = await socktech.post('/v1/events', {
      ...event,
      email: event.email.toLowerCase(),
      properties: { lines: [{ n: 2, sku: 'sock' }], order: 'A-1' },
    });
    const other = await socktech.post('/v1/events', { ...event, properties: { order: 'A-2' } });
    const later = await socktech.post('/v1/events', {
      ...event,
      timestamp: new Date().toISOString(),
    });
    const outcome = (r: { body: any }) => r.body.events[0].matched[0].outcome;
    assert.deepEqual([first, again, other, later].map(outcome), [
      'started',
      'duplicate',
      'started',
      'started',
    ]);
    assert.match(first.body.events[0].id, /^[0-9a-f]{64}$/);
    assert.equal(again.body.events[0].id, first.body.events[0].id);
  });

  it('answers 503 with Retry-After when Temporal is unreachable, and starts nothing', async function () {
    this.timeout(90_000);
    const server = await startTestServer();
    const connection = await NativeConnection.connect({ address: server.address });
    await server.stop();
    const flow = await testFlow({
      id: 'unreachable',
      name: 'Unreachable',
      trigger: { event: 'unreachable' },
      actions: [hook('a')],
    });
    const index = buildIndex([flow]);
    const api = await serveApi({
      client: new Client({ connection }),
      store: harness().store,
      secret: harness().secret,
      flows: () => index,
      taskQueue: 'unreachable',
      eagerStart: false,
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const before = await scrape(api.url);
      const res = await fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          { name: 'unreachable', email: 'a@example.com' },
          { name: 'unreachable', email: 'b@example.com' },
        ]),
      });
      assert.equal(res.status, 503);
      assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
      const body = errorReplySchema.parse(await res.json());
      assert.match(body.error, /Temporal/);
      // Every route that ingests says the same, not 500.
      const track = {
        userId: 'u1',
        event: 'unreachable',
        context: { traits: { email: 'c@example.com' } },
      };
      for (const [path, payload] of [
        ['/v1/track', track],
        ['/v1/batch', { batch: [{ ...track, type: 'track' }] }],
        ['/v1/flows/unreachable/trigger', { email: 'd@example.com' }],
      ] as const) {
        const other = await fetch(`${api.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        assert.equal(other.status, 503, path);
        assert.match(other.headers.get('retry-after') ?? '', /^\d+$/, path);
      }
      const after = await scrape(api.url);
      const rejected = { source: 'events', reason: 'unavailable' };
      assert.equal(
        sample(after, 'socktech_events_rejected_total', rejected) -
          sample(before, 'socktech_events_rejected_total', rejected),
        2,
      );
    } finally {
      await api.close();
      await connection.close();
    }
  });
});

describe('properties a flow needs are checked at ingest', () => {
  let socktech: Socktech;

  before(async () => {
    socktech = await startSocktech(
      await Promise.all([
        testFlow({
          id: 'needs-plan',
          name: 'Needs a plan',
          trigger: { event: 'signed.up' },
          actions: [
            {
              id: 'hello',
              type: 'sendEmail',
              subject: 'Welcome {{ properties.name }}',
              body: '<p>Your {{ event.properties.plan }} plan</p>',
            },
            { ...hook('crm'), body: '{ "plan": {{ properties.plan | json }} }' },
          ],
        }),
        testFlow({
          id: 'needs-nothing',
          name: 'Needs nothing',
          trigger: { event: 'signed.up' },
          actions: [hook('a')],
        }),
        testFlow({
          id: 'optional',
          name: 'Optional',
          trigger: { event: 'visited' },
          actions: [
            {
              id: 'hello',
              type: 'sendEmail',
              subject: 'Hello {{ properties.name | default: "there" }}',
              body: '<p>{% if properties.page %}You read {{ properties.page }}.{% endif %}</p>',
            },
          ],
        }),
      ]),
    );
  });
  after(() => socktech.stop());

  const match = (body: any, flowId: string) =>
    body.events[0].matched.find((m: { flowId: string }) => m.flowId === flowId);

  it('answers invalid with the missing properties and starts no run; the other flows start', async () => {
    const before = await scrape(socktech.url);
    const email = `plan.${Date.now()}@example.com`;
    const { status, body } = await socktech.post('/v1/events', {
      name: 'signed.up',
      email,
      properties: { name: 'Ada' },
    });
    assert.equal(status, 202);
    const invalid = match(body, 'needs-plan');
    assert.equal(invalid.outcome, 'invalid');
    assert.deepEqual(invalid.missing, ['properties.plan']);
    assert.match(invalid.reason, /properties\.plan/);
    assert.ok(await notStarted(socktech, invalid.workflowId));
    assert.equal(match(body, 'needs-nothing').outcome, 'started');

    const after = await scrape(socktech.url);
    const labels = { flow: 'needs-plan', outcome: 'invalid' };
    assert.equal(
      sample(after, 'socktech_runs_total', labels) - sample(before, 'socktech_runs_total', labels),
      1,
    );
  });

  it('answers invalid for an object where a template prints text', async () => {
    const { body } = await socktech.post('/v1/events', {
      name: 'signed.up',
      email: `object.${Date.now()}@example.com`,
      properties: { name: { toString: 'x' }, plan: 'pro' },
    });
    const invalid = match(body, 'needs-plan');
    assert.equal(invalid.outcome, 'invalid');
    assert.deepEqual(invalid.wrongType, ['properties.name']);
    assert.ok(await notStarted(socktech, invalid.workflowId));
  });

  it('starts a run that completes when the event has every property it needs', async () => {
    const { body } = await socktech.post('/v1/events', {
      name: 'signed.up',
      email: `complete.${Date.now()}@example.com`,
      properties: { name: 'Ada', plan: 'pro' },
    });
    const started = match(body, 'needs-plan');
    assert.equal(started.outcome, 'started');
    await socktech.client.workflow.getHandle(started.workflowId).result();
  });

  it('leaves out properties read with a default or tested by an if', async () => {
    const { body } = await socktech.post('/v1/events', {
      name: 'visited',
      email: `optional.${Date.now()}@example.com`,
    });
    const started = match(body, 'optional');
    assert.equal(started.outcome, 'started');
    await socktech.client.workflow.getHandle(started.workflowId).result();
  });
});
