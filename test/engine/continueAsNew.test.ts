import assert from 'node:assert/strict';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import type { Flow } from '../../src/flows/schema';
import { eventSignal, progressQuery, type NodeState } from '../../src/workflows/definitions';
import { testFlow } from '../harness/flows';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { startFlowRun } from './startFlowRun';

/** What a timeline shows of a node, but its times (two runs never share those). */
const shown = (nodes: NodeState[]) =>
  nodes.map(({ startedAt, endedAt, nextAttemptAt, ...rest }) => ({
    ...rest,
    timed: [startedAt, endedAt, nextAttemptAt].map((t) => t !== undefined),
  }));

describe('continue-as-new', () => {
  let socktech: Socktech;
  let receiver: WebhookReceiver;
  let flow: Flow;
  const calls = new Map<string, number>();

  before(async () => {
    receiver = await startWebhookReceiver({
      port: 0,
      respond: (req) => {
        const run = String(req.headers['x-run']);
        const n = (calls.get(run) ?? 0) + 1;
        calls.set(run, n);
        return n <= 3 ? 503 : 200;
      },
    });
    flow = await testFlow({
      id: 'long-lived',
      name: 'Long lived',
      trigger: { event: 'long.start' },
      actions: [
        {
          id: 'flaky',
          type: 'webhook',
          url: `${receiver.url}/flaky`,
          headers: { 'x-run': '{{ event.id }}' },
          retry: { initialInterval: '300ms', maximumInterval: '300ms' },
        },
        { id: 'nap', type: 'delay', duration: '1500ms' },
        { id: 'answer', type: 'waitForEvent', event: 'long.answer', timeout: '1m' },
        { id: 'yes', type: 'branch', on: 'answer', where: { yes: true }, after: ['answer'] },
        {
          id: 'mail',
          type: 'sendEmail',
          subject: 'You said {{ nodes.answer.properties.yes }}',
          body: 'ok',
          after: ['yes:true', 'flaky', 'nap'],
        },
        { id: 'no', type: 'webhook', url: `${receiver.url}/no`, after: ['yes:false'] },
      ],
    });
    socktech = await startSocktech([flow]);
  });
  after(async () => {
    await socktech.stop();
    await receiver.close();
  });

  const runTo = async (email: string, historyEvents?: number) => {
    const limits = historyEvents ? { historyEvents } : undefined;
    const handle = await startFlowRun(socktech.client, socktech.taskQueue, flow, email, { limits });
    await waitUntil(async () => {
      const { nodes } = await handle.query(progressQuery);
      return nodes.find((n) => n.id === 'nap')?.state === 'completed';
    }, 'the delay to end');
    await handle.signal(eventSignal, { name: 'long.answer', id: email, properties: { yes: true } });
    return { handle, result: await handle.result() };
  };

  it('a run that continues as new several times ends as one that never did, listed once', async function () {
    this.timeout(120_000);
    const plain = await runTo(`plain-${Date.now()}@example.com`);
    const long = await runTo(`long-${Date.now()}@example.com`, 10);

    // Counted from the histories, each run's start naming the run it continues: the list below
    // is eventually consistent, and may show the last run closed before an earlier one.
    let runs = 0;
    let runId: string | undefined;
    do {
      const handle = socktech.client.workflow.getHandle(long.handle.workflowId, runId);
      const [started] = (await handle.fetchHistory()).events ?? [];
      runId =
        started?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      runs++;
    } while (runId);
    assert.ok(runs >= 3, `continued as new ${runs - 1} times`);

    const executions = async () => {
      const statuses: string[] = [];
      const query = `WorkflowId = '${long.handle.workflowId}'`;
      for await (const run of socktech.client.workflow.list({ query })) {
        statuses.push(run.status.name);
      }
      return statuses;
    };
    const statuses = await waitUntil(async () => {
      const listed = await executions();
      return listed.length === runs && !listed.includes('RUNNING') && listed;
    }, 'visibility to list every execution, closed');
    assert.deepEqual(statuses.sort(), ['COMPLETED', ...Array(runs - 1).fill('CONTINUED_AS_NEW')]);

    assert.deepEqual(shown(long.result.nodes), shown(plain.result.nodes));
    assert.deepEqual(
      long.result.nodes.map((n: NodeState) => [n.id, n.state, n.attempts]),
      [
        ['flaky', 'completed', 4],
        ['nap', 'completed', 0],
        ['answer', 'completed', 0],
        ['yes', 'completed', 0],
        ['mail', 'completed', 1],
        ['no', 'skipped', 0],
      ],
    );

    const get = async (path: string) => (await fetch(socktech.url + path)).json() as any;
    const entries = await waitUntil(async () => {
      const { runs } = await get(`/v1/runs?flowId=${flow.id}`);
      const closed = runs.filter((r: { status: string }) => r.status === 'completed');
      return closed.length >= 2 && runs;
    }, 'both runs listed as completed');
    assert.deepEqual(
      entries.map((r: { workflowId: string; status: string }) => [r.workflowId, r.status]).sort(),
      [
        [long.handle.workflowId, 'completed'],
        [plain.handle.workflowId, 'completed'],
      ].sort(),
      'one entry per run, not one per execution',
    );
    const detail = await get(`/v1/runs/${encodeURIComponent(long.handle.workflowId)}`);
    assert.deepEqual(
      detail.nodes.map(({ level: _, ...node }: { level: number }) => node),
      long.result.nodes,
    );
    assert.equal(detail.event.name, 'long.start');
  });
});
