import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import type { Flow } from '../../src/flows/schema';
import { userHash } from '../../src/ingest/identity';
import { openStore, type Store } from '../../src/store/db';
import { recordDelivery } from '../../src/store/ledger';
import { clientFor } from '../../src/temporal/connection';
import { progressQuery, type NodeState, type RunProgress } from '../../src/workflows/definitions';
import { createWorker } from '../../src/worker';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';
import { waitUntil } from '../harness/waitUntil';
import { spawnWorker } from '../harness/workerProcess';
import { startFlowRun } from './startFlowRun';

const node = (progress: RunProgress, id: string) => progress.nodes.find((n) => n.id === id)!;

describe('frequency caps in runs', function () {
  this.timeout(120_000);
  // Two workers on one PostgreSQL, this process and `npm run worker`: runs of one user race
  // for the last place across them.
  const taskQueue = `caps-${randomUUID()}`;
  let store: Store;
  let worker: Worker;
  let running: Promise<void>;
  let other: ChildProcess;
  let client: ReturnType<typeof clientFor>;
  let race: Flow;
  let delayed: Flow;
  let carried: Flow;

  before(async () => {
    const h = harness();
    const url = await freshPostgresDatabase();
    store = await openStore({ url });
    worker = await createWorker({
      connection: h.env.nativeConnection,
      temporal: { namespace: 'default', taskQueue },
      store,
      workflowBundle: h.workflowBundle,
      activities: {
        smtpUrl: h.mail.smtpUrl,
        mailFrom: 'caps@socktech.local',
        webhookBaseUrl: h.webhooks.url,
        publicUrl: 'http://socktech.test',
        secret: h.secret,
      },
    });
    running = worker.run();
    other = await spawnWorker({ TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: url });
    client = clientFor(h.env.nativeConnection, { namespace: 'default', taskQueue });
    await waitUntil(
      async () => {
        const queue = await client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
        });
        return new Set(queue.pollers.map((p) => p.identity)).size >= 2;
      },
      'both workers to poll',
      90_000,
    );
    race = await testFlow({
      id: 'cap-race',
      name: 'Cap race',
      reentry: 'every-event',
      trigger: { event: 'cap.race' },
      frequencyCap: { max: 2, per: '1h' },
      actions: [
        { id: 'promo', type: 'sendEmail', subject: 'Promo', body: '<p>Promo</p>' },
        {
          id: 'receipt',
          type: 'sendEmail',
          category: 'transactional',
          subject: 'Receipt',
          body: '<p>Receipt</p>',
        },
        { id: 'then', type: 'webhook', url: '/cap-race', after: ['promo'] },
      ],
    });
    delayed = await testFlow({
      id: 'cap-delay',
      name: 'Cap delay',
      reentry: 'every-event',
      trigger: { event: 'cap.delay' },
      actions: [
        {
          id: 'promo',
          type: 'sendEmail',
          subject: 'Promo',
          body: '<p>Promo</p>',
          frequencyCap: { max: 1, per: '3s' },
          onCap: 'delay',
        },
      ],
    });
    // A delay first, so the history is long enough to continue as new while the email waits.
    carried = await testFlow({
      id: 'cap-carried',
      name: 'Cap carried',
      reentry: 'every-event',
      trigger: { event: 'cap.carried' },
      frequencyCap: { max: 1, per: '3s' },
      actions: [
        { id: 'pause', type: 'delay', duration: '10ms' },
        {
          id: 'promo',
          type: 'sendEmail',
          subject: 'Promo',
          body: 'p',
          after: ['pause'],
          onCap: 'delay',
        },
      ],
    });
  });
  after(async () => {
    other?.kill('SIGKILL');
    worker?.shutdown();
    await running;
    await store?.close();
  });

  const inbox = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.subject);

  it('of runs of one user racing for the last place, exactly one sends; the others end capped and go on', async () => {
    const email = `race-${randomUUID()}@example.com`;
    const earlier = new Date();
    await recordDelivery(store, {
      workflowId: `newsletter:${userHash(email)}`,
      eventId: 'ev-0',
      nodeId: 'issue-1',
      channel: 'email',
      category: 'marketing',
      userHash: userHash(email),
      address: email,
      addressHash: userHash(email),
      reply: '250 OK',
      startedAt: earlier,
      deliveredAt: earlier,
    });

    const handles = await Promise.all(
      Array.from({ length: 8 }, () => startFlowRun(client, taskQueue, race, email)),
    );
    const results: RunProgress[] = await Promise.all(handles.map((h) => h.result()));

    const outcomes = results.map((r) => node(r, 'promo').outcome ?? 'sent').sort();
    assert.deepEqual(outcomes, [
      'capped',
      'capped',
      'capped',
      'capped',
      'capped',
      'capped',
      'capped',
      'sent',
    ]);
    for (const result of results) {
      assert.equal(node(result, 'receipt').state, 'completed');
      assert.equal(node(result, 'receipt').outcome, undefined, 'transactional is never capped');
      assert.equal(node(result, 'then').state, 'completed', 'a capped email lets the run go on');
    }
    const received = await inbox(email);
    assert.equal(received.filter((s) => s === 'Promo').length, 1);
    assert.equal(received.filter((s) => s === 'Receipt').length, 8);
  });

  it('onCap "delay": the email waits, shown on the node, until the cap allows it, then goes', async () => {
    const email = `delayed-${randomUUID()}@example.com`;
    const first = await (await startFlowRun(client, taskQueue, delayed, email)).result();
    const second = await startFlowRun(client, taskQueue, delayed, email);

    const waiting = await waitUntil(async () => {
      const promo: NodeState = node(await second.query(progressQuery), 'promo');
      return promo.limit && promo;
    }, 'the email to wait for the cap');
    assert.equal(waiting.state, 'waiting');
    assert.equal(waiting.limit!.by, 'frequency cap');
    const sentAt = Date.parse(node(first, 'promo').endedAt!);
    assert.ok(Math.abs(Date.parse(waiting.limit!.until) - (sentAt + 3000)) < 1000);

    const done: RunProgress = await second.result();
    const promo = node(done, 'promo');
    assert.equal(promo.state, 'completed');
    assert.equal(promo.outcome, undefined);
    assert.equal(promo.attempts, 1, 'a wait for the cap is no attempt');
    assert.equal(promo.limit, undefined);
    assert.ok(Date.parse(promo.endedAt!) >= sentAt + 3000);
    assert.deepEqual(await inbox(email), ['Promo', 'Promo']);
  });

  it('a wait for the cap that a continue-as-new carries over ends at its time, then sends once', async () => {
    const email = `carried-${randomUUID()}@example.com`;
    const first = await (await startFlowRun(client, taskQueue, carried, email)).result();
    const second = await startFlowRun(client, taskQueue, carried, email, {
      limits: { historyEvents: 10 },
    });

    const done: RunProgress = await second.result();
    const { runId } = await second.describe();
    assert.notEqual(runId, second.firstExecutionRunId, 'the run continued as new');
    // The new execution sleeps out the rest of the wait before it asks the cap again.
    const { events } = await second.fetchHistory();
    const commands = events!.flatMap((e) => {
      if (e.timerStartedEventAttributes) return ['timer'];
      const marker = e.markerRecordedEventAttributes?.markerName;
      return marker === 'core_local_activity' ? ['send'] : [];
    });
    assert.deepEqual(commands, ['timer', 'send']);
    const promo = node(done, 'promo');
    assert.deepEqual([promo.state, promo.outcome, promo.attempts], ['completed', undefined, 1]);
    assert.ok(Date.parse(promo.endedAt!) >= Date.parse(node(first, 'promo').endedAt!) + 3000);
    assert.deepEqual(await inbox(email), ['Promo', 'Promo']);
  });
});
