import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import { NotRerunnable } from '../../src/runs/errors';
import { rerunRun } from '../../src/runs/rerun';
import { progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

const states = (nodes: NodeState[]) => Object.fromEntries(nodes.map((n) => [n.id, n.state]));

describe('rerun', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  let failing = true;

  before(async () => {
    receiver = await startWebhookReceiver({
      port: 0,
      respond: async (req) => {
        // A slow endpoint: still answering when its sibling has failed the run.
        if (req.path === '/slow') await delay(1500);
        if (req.path === '/bad' || req.path === '/race') return failing ? 404 : 200;
        return 200;
      },
    });
    const hook = (id: string, path: string, after: string[] = []) => ({
      id,
      type: 'webhook' as const,
      url: `${receiver.url}${path}`,
      after,
    });
    socktech = await startSocktech([
      await testFlow({
        id: 'slow-sibling',
        name: 'Slow sibling',
        trigger: { event: 'sibling.start' },
        actions: [hook('slow', '/slow'), hook('bad', '/bad'), hook('joined', '/joined', ['slow'])],
      }),
      await testFlow({
        id: 'rerun-race',
        name: 'Rerun race',
        trigger: { event: 'race.start' },
        actions: [hook('race', '/race')],
      }),
    ]);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });
  beforeEach(() => {
    failing = true;
  });

  const failedRun = async (name: string) => {
    const { body } = await socktech.post('/v1/events', {
      name,
      email: `${name}-${Date.now()}@example.com`,
    });
    const { workflowId } = body.events[0].matched[0];
    const handle = socktech.client.workflow.getHandle(workflowId);
    const err = await handle.result().then(
      () => assert.fail('the run should have failed'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError);
    return handle;
  };
  const calls = (path: string) => receiver.requests().filter((r) => r.path === path).length;

  it('a sibling in flight when the run fails is recorded completed, and a rerun skips it', async () => {
    const handle = await failedRun('sibling.start');
    const progress = await handle.query(progressQuery);
    assert.equal(progress.failure?.node, 'bad');
    assert.deepEqual(states(progress.nodes), {
      slow: 'completed',
      bad: 'failed',
      joined: 'pending',
    });

    failing = false;
    const rerun = await socktech.post(`/v1/runs/${handle.workflowId}/rerun`, {});
    assert.equal(rerun.status, 202);
    assert.deepEqual(rerun.body.resumed, ['slow']);
    const { nodes } = await socktech.client.workflow
      .getHandle(handle.workflowId, rerun.body.runId)
      .result();
    assert.deepEqual(states(nodes), { slow: 'completed', bad: 'completed', joined: 'completed' });
    assert.equal(calls('/slow'), 1, 'the slow webhook was sent once');
  });

  it('of two reruns, one whose start comes after the first rerun finished is refused', async () => {
    const handle = await failedRun('race.start');
    failing = false;

    // A client whose start waits until the first rerun has finished: the race, made certain.
    let reachedStart!: () => void;
    const reached = new Promise<void>((resolve) => (reachedStart = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const late = new Client({
      connection: harness().env.connection,
      interceptors: {
        workflow: [
          {
            startWithDetails: async (input, next) => {
              reachedStart();
              await released;
              return next(input);
            },
          },
        ],
      },
    });

    const second = rerunRun(late, handle.workflowId).then(
      () => assert.fail('the second rerun should have been refused'),
      (e: unknown) => e,
    );
    await reached;
    const first = await rerunRun(socktech.client, handle.workflowId);
    await socktech.client.workflow.getHandle(handle.workflowId, first.runId).result();
    release();

    const err = await second;
    assert.ok(err instanceof NotRerunnable, String(err));
    assert.match(err.message, /rerun already/);
    assert.equal(calls('/race'), 2, 'the failed attempt and the first rerun only');
  });
});
