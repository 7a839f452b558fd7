import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { progressQuery } from '../../src/workflows/definitions';
import { harness } from '../harness/hooks';
import { ingestFor } from '../harness/ingest';
import { waitUntil } from '../harness/waitUntil';
import { spawnWorker } from '../harness/workerProcess';

describe('durability', () => {
  const workers: ChildProcess[] = [];
  after(() => workers.forEach((w) => w.kill('SIGKILL')));

  it('a worker killed with SIGKILL during a delay is replaced and the run finishes', async function () {
    this.timeout(120_000);
    const h = harness();
    const taskQueue = `durability-${randomUUID()}`;
    const { client, ingest } = await ingestFor(taskQueue, {
      id: 'durable',
      name: 'Durable',
      trigger: { event: 'durable' },
      actions: [
        { id: 'hello', type: 'sendEmail', subject: 'before the delay', body: 'one' },
        { id: 'wait', type: 'delay', duration: '4s', after: ['hello'] },
        { id: 'bye', type: 'sendEmail', subject: 'after the delay', body: 'two', after: ['wait'] },
      ],
    });
    const email = `durable-${Date.now()}@example.com`;

    workers.push(await spawnWorker({ TEMPORAL_TASK_QUEUE: taskQueue }));
    const [{ matched }] = await ingest([{ name: 'durable', email, properties: {} }]);
    const handle = client.workflow.getHandle(matched[0].workflowId);
    await waitUntil(
      async () => {
        const { nodes } = await handle.query(progressQuery);
        return nodes.find((n) => n.id === 'wait')?.state === 'waiting';
      },
      'the run to reach its delay',
      60_000,
    );

    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    workers.push(await spawnWorker({ TEMPORAL_TASK_QUEUE: taskQueue }));

    const result = await handle.result();
    assert.ok(result.nodes.every((n: { state: string }) => n.state === 'completed'));
    const subjects = (await h.mail.messages())
      .filter((m) => m.to.includes(email))
      .map((m) => m.subject);
    assert.deepEqual(subjects.sort(), ['after the delay', 'before the delay']);
  });
});
