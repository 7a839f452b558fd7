import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import type { Flow } from '../../src/flows/schema';
import { splitPath } from '../../src/flows/split';
import { userHash } from '../../src/ingest/identity';
import { rerunRun } from '../../src/runs/rerun';
import type { NodeState, RunProgress } from '../../src/workflows/definitions';
import type { flowRun } from '../../src/workflows/flowRun';
import { sample, scrape } from '../edge/scrape';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const PATHS = { a: 50, b: 50 };
const pathOf = (flowId: string, email: string) =>
  splitPath(PATHS, { flowId, nodeId: 'ab', userHash: userHash(email) });
const states = (nodes: NodeState[]) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('split nodes', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  const failedOnce = new Set<string>();

  before(async () => {
    // Each path's webhook fails the first time it is called for a user, then works.
    receiver = await startWebhookReceiver({
      port: 0,
      respond: ({ path }) => {
        if (!path.startsWith('/once/') || failedOnce.has(path)) return 200;
        failedOnce.add(path);
        return 400;
      },
    });
    const split = (id: string, url: (path: string) => string): Promise<Flow> =>
      testFlow({
        id,
        name: id,
        reentry: 'every-event',
        trigger: { event: id },
        actions: [
          { id: 'ab', type: 'split', paths: PATHS },
          { id: 'on_a', type: 'webhook', url: url('a'), after: ['ab:a'] },
          { id: 'on_b', type: 'webhook', url: url('b'), after: ['ab:b'] },
          { id: 'join', type: 'webhook', url: `${receiver.url}/join`, after: ['on_a', 'on_b'] },
        ],
      });
    socktech = await startSocktech([
      await split('split-engine', (path) => `${receiver.url}/${path}`),
      await split('split-rerun', (path) => `${receiver.url}/once/${path}/{{ user.email }}`),
    ]);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  const run = async (flowId: string, email: string) => {
    const { body } = await socktech.post('/v1/events', { name: flowId, email, id: randomUUID() });
    return socktech.client.workflow.getHandle<typeof flowRun>(body.events[0].matched[0].workflowId);
  };

  it("takes the user's path, again on the user's next run, the other path skipped; counted on /metrics", async () => {
    const emails = Array.from({ length: 12 }, (_, i) => `split-${i}-${Date.now()}@example.com`);
    const handles = await Promise.all([...emails, emails[0]].map((e) => run('split-engine', e)));
    const results: RunProgress[] = await Promise.all(handles.map((h) => h.result()));
    const taken = results.map((r) => r.nodes.find((n) => n.id === 'ab')!.outcome);
    assert.deepEqual(
      taken,
      [...emails, emails[0]].map((e) => pathOf('split-engine', e)),
    );
    assert.ok(taken.includes('a') && taken.includes('b'), 'twelve users took both paths');
    for (const [i, result] of results.entries()) {
      const other: string = taken[i] === 'a' ? 'on_b' : 'on_a';
      assert.deepEqual(states(result.nodes), {
        ab: 'completed',
        [`on_${taken[i]}`]: 'completed',
        [other]: 'skipped',
        join: 'completed',
      });
    }

    const counted = (path: string) => taken.filter((t) => t === path).length;
    await waitUntil(async () => {
      const page = await scrape(socktech.url);
      const series = (path: string) =>
        sample(page, 'socktech_split_paths_total', { flow: 'split-engine', node: 'ab', path });
      return series('a') === counted('a') && series('b') === counted('b');
    }, 'the split counts on /metrics');
  });

  it('replays its history taking the same path', async () => {
    const handle = await run('split-engine', `replay-${Date.now()}@example.com`);
    await handle.result();
    await Worker.runReplayHistory(
      { workflowBundle: harness().workflowBundle },
      await handle.fetchHistory(),
      handle.workflowId,
    );
  });

  it('a rerun of a failed run keeps the path the split took', async () => {
    const email = `split-rerun-${Date.now()}@example.com`;
    const handle = await run('split-rerun', email);
    await assert.rejects(handle.result(), (err: Error) =>
      /node "on_[ab]" failed/.test(`${err.cause}`),
    );
    const { runId, resumed } = await rerunRun(socktech.client, handle.workflowId);
    assert.deepEqual(resumed, ['ab']);
    const rerun = socktech.client.workflow.getHandle<typeof flowRun>(handle.workflowId, runId);
    const { nodes } = await rerun.result();
    const path = pathOf('split-rerun', email);
    assert.equal(nodes.find((n) => n.id === 'ab')!.outcome, path);
    assert.equal(states(nodes)[`on_${path}`], 'completed');
    assert.equal(receiver.requests().filter((r) => r.path.startsWith(`/once/${path}/`)).length, 2);
  });
});
