import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import { createApp } from '../../src/api/app';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import { buildIndex } from '../../src/flows/load';
import type { Flow } from '../../src/flows/schema';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

// Flow ids of this file only: runs of other test files share the namespace.
const LIST = 'api-runs-list';
const WAIT = 'api-runs-wait';
const RERUN = 'api-runs-rerun';

describe('/v1/runs', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  let flows: Flow[];
  let rerunHookStatus = 404;

  const get = async (path: string) => {
    const res = await fetch(socktech.url + path);
    return { status: res.status, body: (await res.json()) as any };
  };
  const send = async (name: string, email: string) => {
    // An id of its own: the same event without one would be a duplicate of the first.
    const { body } = await socktech.post('/v1/events', { name, email, id: randomUUID() });
    return body.events[0].matched[0] as { workflowId: string; runId: string };
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => assert.fail('the run should not have completed'),
      (err: unknown) => err,
    );

  before(async () => {
    receiver = await startWebhookReceiver({
      port: 0,
      respond: (req) => (req.path === '/rerun' ? rerunHookStatus : 200),
    });
    const fast = { initialInterval: '100ms', maximumInterval: '100ms' };
    flows = await Promise.all([
      testFlow({
        id: LIST,
        name: 'List',
        reentry: 'every-event',
        trigger: { event: LIST },
        actions: [{ id: 'ping', type: 'webhook', url: `${receiver.url}/list` }],
      }),
      testFlow({
        id: WAIT,
        name: 'Wait',
        trigger: { event: WAIT },
        actions: [
          { id: 'ping', type: 'webhook', url: `${receiver.url}/wait` },
          { id: 'later', type: 'delay', duration: '1h', after: ['ping'] },
        ],
      }),
      testFlow({
        id: RERUN,
        name: 'Rerun',
        trigger: { event: RERUN },
        actions: [
          { id: 'hello', type: 'sendEmail', subject: 'Hello once', body: 'hi' },
          {
            id: 'hook',
            type: 'webhook',
            url: `${receiver.url}/rerun`,
            after: ['hello'],
            retry: fast,
          },
        ],
      }),
    ]);
    socktech = await startSocktech(flows);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  it('lists runs page by page, newest closed first, filtered by flow, status and email', async () => {
    const emails = [
      'ann@example.com',
      'ann@example.com',
      'bob@example.com',
      'ann@example.com',
      'bob@example.com',
    ];
    const started: string[] = [];
    for (const email of emails) {
      const { workflowId, runId } = await send(LIST, email);
      await socktech.client.workflow.getHandle(workflowId, runId).result();
      started.push(runId);
    }
    await waitUntil(
      async () => (await get(`/v1/runs/counts?flowId=${LIST}`)).body.completed === 5,
      'visibility to count 5 completed runs',
    );
    assert.deepEqual((await get(`/v1/runs/counts?flowId=${LIST}`)).body, {
      running: 0,
      completed: 5,
      exited: 0,
      failed: 0,
    });

    const pages = [];
    const tokens = [];
    let token: string | null = null;
    do {
      const query: string = `flowId=${LIST}&status=completed&pageSize=2${token ? `&pageToken=${token}` : ''}`;
      const { status, body } = await get(`/v1/runs?${query}`);
      assert.equal(status, 200);
      pages.push(body.runs);
      token = body.nextPageToken;
      tokens.push(token);
    } while (token);
    const runs = pages.flat();
    assert.deepEqual(
      pages.map((p) => p.length),
      [2, 2, 1],
    );
    assert.deepEqual(
      runs.map((r: any) => r.runId),
      [...started].reverse(),
      'the last run to close comes first',
    );
    const flow = flows[0];
    assert.deepEqual(runs[0], {
      workflowId: runs[0].workflowId,
      runId: started[4],
      flowId: LIST,
      flowVersion: flow.version,
      flowName: 'List',
      email: 'bob@example.com',
      event: LIST,
      status: 'completed',
      temporalStatus: 'COMPLETED',
      startTime: runs[0].startTime,
      closeTime: runs[0].closeTime,
    });
    assert.ok(Date.parse(runs[0].closeTime) >= Date.parse(runs[0].startTime));

    const ann = await get(
      `/v1/runs?flowId=${LIST}&email=${encodeURIComponent(' Ann@Example.com ')}`,
    );
    assert.equal(ann.body.runs.length, 3);
    assert.ok(ann.body.runs.every((r: any) => r.email === 'ann@example.com'));
    assert.deepEqual((await get(`/v1/runs?flowId=${LIST}&status=running`)).body, {
      runs: [],
      nextPageToken: null,
    });
    assert.equal((await get(`/v1/runs?flowId=${LIST}&status=failed`)).body.runs.length, 0);
    const foreign = await get(`/v1/runs?flowId=${LIST}&status=running&pageToken=${tokens[0]}`);
    assert.equal(foreign.status, 400, 'a token pages through the list it came from only');
  });

  it("shows a running run's timeline, cancels it, and refuses to cancel it twice", async () => {
    const { workflowId } = await send(WAIT, `wait-${Date.now()}@example.com`);
    const detail = await waitUntil(async () => {
      const { body } = await get(`/v1/runs/${workflowId}`);
      return body.nodes.find((n: any) => n.id === 'later')?.state === 'waiting' && body;
    }, 'the run to wait');
    assert.equal(detail.run.status, 'running');
    assert.equal(detail.run.closeTime, null);
    assert.deepEqual(
      detail.nodes.map((n: any) => [n.level, n.id, n.state, n.attempts]),
      [
        [1, 'ping', 'completed', 1],
        [2, 'later', 'waiting', 0],
      ],
    );
    assert.equal(detail.temporalUi, null, 'no Temporal UI configured in the harness');
    await waitUntil(
      async () => (await get(`/v1/runs?flowId=${WAIT}&status=running`)).body.runs.length === 1,
      'the run under running',
    );

    const cancel = await socktech.post(`/v1/runs/${workflowId}/cancel`, {});
    assert.equal(cancel.status, 202);
    assert.deepEqual(cancel.body, { workflowId, runId: detail.run.runId });
    await failure(socktech.client.workflow.getHandle(workflowId).result());
    const canceled = (await get(`/v1/runs/${workflowId}`)).body;
    assert.equal(canceled.run.status, 'failed');
    assert.equal(canceled.run.temporalStatus, 'CANCELLED');
    await waitUntil(
      async () => (await get(`/v1/runs/counts?flowId=${WAIT}`)).body.failed === 1,
      'the canceled run counted under failed',
    );

    const again = await socktech.post(`/v1/runs/${workflowId}/cancel`, {});
    assert.equal(again.status, 409);
    assert.match(again.body.error, /not running: it is CANCELLED/);
  });

  it('reruns a failed run: completed nodes are not run again, the failed one starts over', async () => {
    const email = `rerun-${Date.now()}@example.com`;
    const { workflowId, runId: failedRunId } = await send(RERUN, email);
    const err = await failure(socktech.client.workflow.getHandle(workflowId).result());
    assert.ok(err instanceof WorkflowFailedError);

    const failed = (await get(`/v1/runs/${workflowId}`)).body;
    assert.equal(failed.run.status, 'failed');
    assert.equal(failed.failure.node, 'hook');
    assert.match(failed.failure.message, /404/);
    const hook = failed.nodes.find((n: any) => n.id === 'hook');
    assert.equal(hook.state, 'failed');
    assert.equal(hook.attempts, 1, 'a 404 is not retried');
    assert.match(hook.lastError, /404/);

    rerunHookStatus = 200;
    const rerun = await socktech.post(`/v1/runs/${workflowId}/rerun`, {});
    assert.equal(rerun.status, 202);
    assert.equal(rerun.body.workflowId, workflowId);
    assert.notEqual(rerun.body.runId, failedRunId);
    assert.deepEqual(rerun.body.resumed, ['hello']);

    const result = await socktech.client.workflow.getHandle(workflowId, rerun.body.runId).result();
    assert.deepEqual(
      result.nodes.map((n: any) => [n.id, n.state, n.fromEarlierRun ?? false]),
      [
        ['hello', 'completed', true],
        ['hook', 'completed', false],
      ],
    );
    const mails = (await harness().mail.messages()).filter((m) => m.to.includes(email));
    assert.equal(mails.length, 1, 'the email went out once');
    assert.equal(receiver.requests().filter((r) => r.path === '/rerun').length, 2);

    const latest = (await get(`/v1/runs/${workflowId}`)).body;
    assert.equal(latest.run.runId, rerun.body.runId);
    assert.equal(latest.run.status, 'completed');
    assert.equal(latest.nodes[0].fromEarlierRun, true);
    const earlier = (await get(`/v1/runs/${workflowId}?runId=${failedRunId}`)).body;
    assert.equal(earlier.run.status, 'failed');

    const event = await socktech.post('/v1/events', { name: RERUN, email });
    assert.equal(event.body.events[0].matched[0].outcome, 'duplicate', 'reentry once still holds');
    const twice = await socktech.post(`/v1/runs/${workflowId}/rerun`, {});
    assert.equal(twice.status, 409);
    assert.match(twice.body.error, /only a failed run can be rerun/);
  });

  it('answers 404 for an unknown run and 400 for bad filters', async () => {
    const missing = await get('/v1/runs/no-such-workflow');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'no flow run found for workflow "no-such-workflow"');
    assert.equal((await socktech.post('/v1/runs/no-such-workflow/rerun', {})).status, 404);

    const bad = await get('/v1/runs?status=lost&pageSize=500&email=nobody');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.problems.length, 3);
    const token = await get(`/v1/runs?flowId=${LIST}&pageToken=bm90LWEtdG9rZW4`);
    assert.equal(token.status, 400);
    assert.match(token.body.error, /pageToken is not a nextPageToken of this list/);
  });

  it('links a run to the Temporal Web UI when one is configured', async () => {
    const { workflowId, runId } = await send(LIST, 'ui@example.com');
    const app = createApp({
      client: socktech.client,
      store: harness().store,
      secret: harness().secret,
      ingest: async () => [],
      flows: () => buildIndex(flows),
      temporalUiUrl: 'http://ui.example:8233/',
      logError: (err) => console.error(err),
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/v1/runs/${encodeURIComponent(workflowId)}`);
      const { temporalUi } = (await res.json()) as any;
      assert.equal(
        temporalUi,
        `http://ui.example:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
