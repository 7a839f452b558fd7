import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import { progressQuery } from '../../src/workflows/definitions';
import { startSocktech, type Socktech } from '../harness/socktech';
import { testFlow } from '../harness/flows';

describe('retries and failures', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  const calls = new Map<string, number>();

  before(async () => {
    receiver = await startWebhookReceiver({
      port: 0,
      respond: (req) => {
        const n = (calls.get(req.path) ?? 0) + 1;
        calls.set(req.path, n);
        if (req.path.startsWith('/flaky')) return n <= 2 ? 503 : 200;
        if (req.path.startsWith('/gone')) return 404;
        return 200;
      },
    });
    const fast = { initialInterval: '100ms', maximumInterval: '200ms' };
    socktech = await startSocktech(
      await Promise.all([
        testFlow({
          id: 'flaky',
          name: 'Flaky',
          trigger: { event: 'flaky' },
          actions: [{ id: 'call', type: 'webhook', url: `${receiver.url}/flaky`, retry: fast }],
        }),
        testFlow({
          id: 'gone-fail',
          name: 'Gone, fail',
          trigger: { event: 'gone-fail' },
          actions: [
            { id: 'call', type: 'webhook', url: `${receiver.url}/gone-fail`, retry: fast },
            { id: 'next', type: 'webhook', url: `${receiver.url}/after-fail`, after: ['call'] },
          ],
        }),
        testFlow({
          id: 'gone-continue',
          name: 'Gone, continue',
          trigger: { event: 'gone-continue' },
          actions: [
            {
              id: 'call',
              type: 'webhook',
              url: `${receiver.url}/gone-continue`,
              onFailure: 'continue',
            },
            { id: 'next', type: 'webhook', url: `${receiver.url}/after-continue`, after: ['call'] },
          ],
        }),
      ]),
    );
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  const run = async (name: string) => {
    const { body } = await socktech.post('/v1/events', { name, email: `${name}@example.com` });
    return socktech.client.workflow.getHandle(body.events[0].matched[0].workflowId);
  };

  it('an action that fails twice then succeeds completes with 3 attempts', async () => {
    const handle = await run('flaky');
    const result = await handle.result();
    assert.equal(result.nodes[0].state, 'completed');
    assert.equal(result.nodes[0].attempts, 3);
    assert.match(result.nodes[0].lastError ?? '', /503/);
    assert.equal(calls.get('/flaky'), 3);
  });

  it('a permanent error with onFailure "fail" fails the run, naming the node and why', async () => {
    const handle = await run('gone-fail');
    const err = await handle.result().then(
      () => assert.fail('the run should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    assert.match(String(err.cause?.message), /node "call" failed: .*404/);
    assert.equal(calls.get('/gone-fail'), 1, 'a 4xx is not retried');
    assert.equal(calls.get('/after-fail'), undefined);
    const progress = await handle.query(progressQuery);
    assert.deepEqual(progress.failure?.node, 'call');
    assert.equal(progress.nodes.find((n) => n.id === 'next')?.state, 'pending');
  });

  it('onFailure "continue" marks the node failed and goes on with its children', async () => {
    const result = await (await run('gone-continue')).result();
    assert.deepEqual(
      result.nodes.map((n: { id: string; state: string }) => [n.id, n.state]),
      [
        ['call', 'failed'],
        ['next', 'completed'],
      ],
    );
    assert.equal(calls.get('/after-continue'), 1);
  });
});
