import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { openStore, type Store } from '../../src/store/db';
import { findDelivery } from '../../src/store/ledger';
import { harness } from '../harness/hooks';
import { ingestFor } from '../harness/ingest';
import { postgresUrl } from '../harness/postgres';
import { waitUntil } from '../harness/waitUntil';
import { spawnWorker } from '../harness/workerProcess';
import { startHoldingProxy, type HoldingProxy } from './holdingProxy';

describe('a worker killed after an email went out', () => {
  const workers: ChildProcess[] = [];
  let proxy: HoldingProxy | undefined;
  let store: Store | undefined;
  after(async () => {
    workers.forEach((w) => w.kill('SIGKILL'));
    await Promise.all([proxy?.close(), store?.close()]);
  });

  it('is replaced, and the run goes on without sending the email again', async function () {
    this.timeout(120_000);
    const h = harness();
    const taskQueue = `kill-after-send-${randomUUID()}`;
    const { client, ingest } = await ingestFor(taskQueue, {
      id: 'kill-after-send',
      name: 'Kill after send',
      trigger: { event: 'kill-after-send' },
      actions: [{ id: 'greet', type: 'sendEmail', subject: 'Once', body: '<p>Only once</p>' }],
    });
    const email = `kill-after-send-${randomUUID()}@example.com`;
    const env = { TEMPORAL_TASK_QUEUE: taskQueue };
    proxy = await startHoldingProxy(h.address);

    workers.push(await spawnWorker({ ...env, TEMPORAL_ADDRESS: proxy.address }));
    await waitUntil(
      async () => {
        const queue = await client.workflowService.describeTaskQueue({
          namespace: 'default',
          taskQueue: { name: taskQueue },
        });
        return queue.pollers.length > 0;
      },
      'the first worker to poll',
      60_000,
    );
    // Its poll is already on the server, so the worker gets the run's first task and sends the
    // email, but the server never learns that the task completed.
    proxy.hold();
    const [{ id, matched }] = await ingest([{ name: 'kill-after-send', email, properties: {} }]);
    const { workflowId } = matched[0];
    await waitUntil(
      async () => (await h.mail.messages()).some((m) => m.to.includes(email)),
      'the email to arrive',
      60_000,
    );
    // The kill lands after the ledger write: the send had finished, only its report was lost.
    store = await openStore({ url: await postgresUrl() });
    const key = { workflowId, eventId: id, nodeId: 'greet' };
    await waitUntil(() => findDelivery(store!, key), 'the send to be recorded');

    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    workers.push(await spawnWorker(env));

    const result = await client.workflow.getHandle(workflowId).result();
    assert.deepEqual(
      result.nodes.map((n: { id: string; state: string }) => [n.id, n.state]),
      [['greet', 'completed']],
    );
    const copies = (await h.mail.messages()).filter((m) => m.to.includes(email));
    assert.equal(copies.length, 1);
  });
});
