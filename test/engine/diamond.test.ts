import assert from 'node:assert/strict';
import {
  startWebhookReceiver,
  type RecordedRequest,
  type WebhookReceiver,
} from '../../src/devservices/webhookReceiver';
import { startSocktech, type Socktech } from '../harness/socktech';
import { testFlow } from '../harness/flows';
import { waitUntil } from '../harness/waitUntil';

describe('breadth-first order: a diamond a → b, a → c, (b, c) → d', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  const answered: Record<string, number> = {};

  before(async () => {
    // b and c each hold their request until the other has arrived: only concurrent siblings
    // can both finish. A sequential interpreter would leave the first one hanging (and fail).
    receiver = await startWebhookReceiver({
      port: 0,
      respond: async (req: RecordedRequest) => {
        const node = req.path.slice(1);
        if (node === 'b' || node === 'c') {
          const other = node === 'b' ? '/c' : '/b';
          await waitUntil(
            () => receiver.requests().some((r) => r.path === other),
            `request ${other}`,
            5000,
          );
        }
        answered[node] = Date.now();
        return 200;
      },
    });
    const hook = (id: string, after: string[]) => ({
      id,
      type: 'webhook' as const,
      url: `${receiver.url}/${id}`,
      after,
      retry: { maximumAttempts: 1 },
    });
    const diamond = await testFlow({
      id: 'diamond',
      name: 'Diamond',
      trigger: { event: 'diamond.test' },
      actions: [hook('d', ['b', 'c']), hook('b', ['a']), hook('c', ['a']), hook('a', [])],
    });
    socktech = await startSocktech([diamond]);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  it('runs b and c together and d once, after both', async () => {
    const { body } = await socktech.post('/v1/events', {
      name: 'diamond.test',
      email: 'dia@example.com',
    });
    const result = await socktech.client.workflow
      .getHandle(body.events[0].matched[0].workflowId)
      .result();
    assert.ok(result.nodes.every((n: { state: string }) => n.state === 'completed'));

    const paths = receiver.requests().map((r) => r.path);
    assert.deepEqual(
      paths.filter((p) => p === '/d'),
      ['/d'],
      'd ran exactly once',
    );
    assert.equal(paths[0], '/a');
    const d = receiver.requests().find((r) => r.path === '/d')!;
    assert.ok(
      d.receivedAt >= answered.b && d.receivedAt >= answered.c,
      'd started after b and c finished',
    );
  });
});
