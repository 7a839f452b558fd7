import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import type { FlowRunInput } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';

describe('the harness', () => {
  it('runs a one-node flow on the dev server, end to end', async () => {
    const h = harness();
    const taskQueue = `hello-${randomUUID()}`;
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue,
      workflowBundle: h.workflowBundle,
      activities: createActivities(
        {
          smtpUrl: h.mail.smtpUrl,
          mailFrom: 'hello@socktech.local',
          webhookBaseUrl: h.webhooks.url,
          publicUrl: 'http://127.0.0.1',
          secret: h.secret,
        },
        h.store,
      ),
    });
    const flow = await testFlow({
      id: 'hello',
      name: 'Hello',
      trigger: { event: 'hello' },
      actions: [{ id: 'pause', type: 'delay', duration: '10ms' }],
    });
    const input: FlowRunInput = {
      flow,
      event: { name: 'hello', properties: {} },
      user: { email: 'hello@example.com', hash: 'hello' },
    };
    const result = await worker.runUntil(
      h.env.client.workflow.execute('flowRun', { taskQueue, workflowId: taskQueue, args: [input] }),
    );
    assert.deepEqual(
      result.nodes.map((n: { id: string; state: string }) => [n.id, n.state]),
      [['pause', 'completed']],
    );
  });
});
