import assert from 'node:assert/strict';
import { freePort } from '../harness/devServer';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { spawnWorker } from '../harness/workerProcess';
import { sample, scrape } from './scrape';

describe('/metrics', () => {
  let socktech: Socktech;

  before(async () => {
    const flow = await testFlow({
      id: 'metered',
      name: 'Metered',
      trigger: { event: 'metered' },
      actions: [
        { id: 'hello', type: 'sendEmail', subject: 'Hello', body: '<p>Hi</p>' },
        { id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/metered` },
        {
          id: 'bounce',
          type: 'sendEmail',
          to: 'nobody',
          subject: 'Lost',
          body: '<p>never sent</p>',
          onFailure: 'continue',
        },
      ],
    });
    socktech = await startSocktech([flow]);
  });
  after(() => socktech.stop());

  it('counts events, runs, action attempts and failures, and HTTP latency', async () => {
    const before = await scrape(socktech.url);
    const event = { name: 'metered', email: `metered.${Date.now()}@example.com` };
    const first = await socktech.post('/v1/events', event);
    assert.equal(first.status, 202);
    assert.equal((await socktech.post('/v1/events', event)).status, 202);
    assert.equal((await socktech.post('/v1/events', [event, { name: 'metered' }])).status, 400);
    await socktech.client.workflow.getHandle(first.body.events[0].matched[0].workflowId).result();

    const after = await scrape(socktech.url);
    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const events = { source: 'events' };
    assert.equal(delta('socktech_events_received_total', events), 4);
    assert.equal(delta('socktech_events_accepted_total', events), 2);
    assert.equal(delta('socktech_events_rejected_total', { ...events, reason: 'invalid' }), 2);
    assert.equal(delta('socktech_runs_total', { flow: 'metered', outcome: 'started' }), 1);
    assert.equal(delta('socktech_runs_total', { flow: 'metered', outcome: 'duplicate' }), 1);
    assert.equal(delta('socktech_action_attempts_total', { type: 'sendEmail' }), 2);
    assert.equal(delta('socktech_action_attempts_total', { type: 'callWebhook' }), 1);
    assert.equal(delta('socktech_action_failures_total', { type: 'sendEmail' }), 1);
    assert.equal(delta('socktech_action_failures_total', { type: 'callWebhook' }), 0);
    const accepted = { method: 'POST', route: '/v1/events', status: '202' };
    assert.equal(delta('socktech_http_request_duration_seconds_count', accepted), 2);
    assert.ok(sample(after, 'process_cpu_user_seconds_total') > 0, 'process metrics too');
  });
});

describe("the worker's own metrics", () => {
  it('npm run worker serves the Temporal SDK metrics on WORKER_METRICS_PORT', async function () {
    this.timeout(90_000);
    const port = await freePort();
    const worker = await spawnWorker({
      TEMPORAL_TASK_QUEUE: `metrics-${port}`,
      WORKER_METRICS_PORT: String(port),
    });
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    try {
      // Metrics appear as they are first recorded: worker_start once the worker runs.
      const page = await waitUntil(
        async () => {
          const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
            (res) => res.text(),
            () => '',
          );
          return text.includes('temporal_worker_start') && text;
        },
        'the worker start in its metrics',
        60_000,
      );
      assert.match(page, /^temporal_worker_start\{.*task_queue="metrics-/m);
    } finally {
      worker.kill('SIGTERM');
      await exited;
    }
  });
});
