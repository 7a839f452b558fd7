import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { WorkflowHandle, Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { closeActivities } from '../src/activities';
import { startMailSink } from '../src/devservices/mailSink';
import { startWebhookReceiver } from '../src/devservices/webhookReceiver';
import { loadFlows } from '../src/flows/load';
import type { Flow, FlowFile } from '../src/flows/schema';
import { validateFlow } from '../src/flows/validate';
import { rerunRun } from '../src/runs/rerun';
import { openStore } from '../src/store/db';
import { clientFor } from '../src/temporal/connection';
import {
  eventSignal,
  progressQuery,
  type FlowRunInput,
  type RunEvent,
} from '../src/workflows/definitions';
import { flowRun } from '../src/workflows/flowRun';
import { PATCHES } from '../src/workflows/patches';
import { createWorker } from '../src/worker';
import { startTestServer } from '../test/harness/devServer';

// `npm run histories:record`: runs each sample flow in flows/, each node type and each feature
// of the interpreter on a dev server of its own, and writes their histories to test/histories/
// as `<scenario>.v<N>.json`, N being the interpreter's version (how many patches it has). A file
// that exists is kept: it is what the code of its version did, which every later version must
// replay. So the set grows with each new scenario and each new patch.

const HISTORIES = path.resolve(__dirname, '../test/histories');
const VERSION = `v${Object.keys(PATCHES).length}`;
/** Short enough to record in seconds, long enough for an event to arrive during the wait. */
const WAIT_MS = 1500;

interface Recorder {
  client: Client;
  taskQueue: string;
  receiverUrl: string;
}

/** The executions to store, by file suffix: '' for the first (or only) one. */
type Recorded = [suffix: string, handle: WorkflowHandle][];

interface Scenario {
  name: string;
  record(r: Recorder): Promise<Recorded>;
}

async function flowOf(file: FlowFile): Promise<Flow> {
  const result = await validateFlow(file);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.flow;
}

/**
 * Delays and waits cut to seconds, send windows left out (scenario send-window has one): the
 * commands are the same, the recording is quick.
 */
function shortened(flow: Flow): Flow {
  const actions = flow.actions.map((a) => {
    if (a.type === 'delay') return { ...a, durationMs: 1000, until: undefined };
    if (a.type === 'waitForEvent') return { ...a, timeoutMs: WAIT_MS };
    if (a.type === 'sendEmail') return { ...a, window: undefined };
    return a;
  });
  return { ...flow, actions };
}

function start(r: Recorder, flow: Flow, extra: Partial<FlowRunInput> = {}) {
  const sample = flow.sample;
  const email = sample?.email ?? 'history@example.com';
  const event: RunEvent = {
    name: flow.trigger.event,
    id: randomUUID(),
    properties: sample?.properties ?? {},
  };
  return r.client.workflow.start(flowRun, {
    workflowId: `${flow.id}-${randomUUID()}`,
    taskQueue: r.taskQueue,
    args: [{ flow, event, user: { email, hash: 'history' }, ...extra }],
  });
}

async function reached(handle: WorkflowHandle, nodeId: string, state: string): Promise<void> {
  for (;;) {
    const { nodes } = await handle.query(progressQuery);
    if (nodes.find((n) => n.id === nodeId)?.state === state) return;
    await delay(50);
  }
}

/** Once the node waits (or is in another state), the event it waits for. */
async function deliver(
  handle: WorkflowHandle,
  nodeId: string,
  event: RunEvent,
  state = 'waiting',
): Promise<void> {
  await reached(handle, nodeId, state);
  await handle.signal(eventSignal, event);
}

/** The run's end, failed or not: a failed run's history is as worth keeping. */
const settled = (handle: WorkflowHandle) => handle.result().catch(() => undefined);

function sampleScenarios(flow: Flow): Scenario[] {
  const short = shortened(flow);
  const waits = short.actions.flatMap((a) => (a.type === 'waitForEvent' ? [a] : []));
  const received: Scenario = {
    name: `sample-${flow.id}`,
    async record(r) {
      const handle = await start(r, short);
      for (const wait of waits) {
        const properties = flow.sample?.received[wait.id] ?? {};
        await deliver(handle, wait.id, { name: wait.event, id: randomUUID(), properties });
      }
      await settled(handle);
      return [['', handle]];
    },
  };
  const timedOut: Scenario = {
    name: `sample-${flow.id}-timed-out`,
    async record(r) {
      const handle = await start(r, short);
      await settled(handle);
      return [['', handle]];
    },
  };
  // Exit rules without a where: the sample's own value for what they match.
  const exits = (flow.exitOn ?? []).filter((rule) => Object.keys(rule.where).length === 0);
  const sleeper = short.actions.find((a) => a.type === 'delay' || a.type === 'waitForEvent');
  const exited: Scenario = {
    name: `sample-${flow.id}-exited`,
    async record(r) {
      const handle = await start(r, short);
      const [{ event, match }] = exits;
      const properties: Record<string, unknown> = {};
      if (match) properties[match] = flow.sample?.properties[match];
      await deliver(handle, sleeper!.id, { name: event, id: randomUUID(), properties });
      await settled(handle);
      return [['', handle]];
    },
  };
  return [
    received,
    ...(waits.length > 0 ? [timedOut] : []),
    ...(exits.length > 0 && sleeper ? [exited] : []),
  ];
}

/** One flow, started once; `drive` does what the run needs from outside. */
function scenario(
  name: string,
  file: (r: Recorder) => Omit<FlowFile, 'id' | 'name'>,
  drive: (handle: WorkflowHandle, r: Recorder) => Promise<void> = async () => {},
  extra: Partial<FlowRunInput> = {},
): Scenario {
  return {
    name,
    async record(r) {
      const flow = await flowOf({ id: name, name, ...file(r) });
      const handle = await start(r, flow, extra);
      await drive(handle, r);
      await settled(handle);
      return [['', handle]];
    },
  };
}

const ping = (name: string, id: string = randomUUID(), properties = {}): RunEvent => ({
  name,
  id,
  properties,
});

const SCENARIOS: Scenario[] = [
  scenario('node-sendEmail', () => ({
    trigger: { event: 'history' },
    actions: [{ id: 'mail', type: 'sendEmail', subject: 'Hi {{ user.email }}', body: 'hello' }],
  })),
  scenario('node-webhook', (r) => ({
    trigger: { event: 'history' },
    actions: [{ id: 'hook', type: 'webhook', url: `${r.receiverUrl}/ok` }],
  })),
  scenario('node-delay', () => ({
    trigger: { event: 'history' },
    actions: [{ id: 'pause', type: 'delay', duration: '1s' }],
  })),
  scenario(
    'node-waitForEvent',
    () => ({
      trigger: { event: 'history' },
      actions: [{ id: 'wait', type: 'waitForEvent', event: 'answer', timeout: '1m' }],
    }),
    (handle) => deliver(handle, 'wait', ping('answer', undefined, { yes: true })),
  ),
  scenario('node-waitForEvent-timed-out', () => ({
    trigger: { event: 'history' },
    actions: [{ id: 'wait', type: 'waitForEvent', event: 'answer', timeout: '1s' }],
  })),
  scenario('node-branch', (r) => ({
    trigger: { event: 'history' },
    actions: [
      { id: 'check', type: 'branch', where: { plan: { exists: false } } },
      { id: 'yes', type: 'webhook', url: `${r.receiverUrl}/ok`, after: ['check:true'] },
      { id: 'no', type: 'webhook', url: `${r.receiverUrl}/ok`, after: ['check:false'] },
    ],
  })),
  scenario('node-split', (r) => ({
    trigger: { event: 'history' },
    actions: [
      { id: 'ab', type: 'split', paths: { a: 50, b: 50 } },
      { id: 'on_a', type: 'webhook', url: `${r.receiverUrl}/ok`, after: ['ab:a'] },
      { id: 'on_b', type: 'webhook', url: `${r.receiverUrl}/ok`, after: ['ab:b'] },
      { id: 'both', type: 'sendEmail', subject: 'split', body: 'ok', after: ['on_a', 'on_b'] },
    ],
  })),
  scenario('send-window', () => {
    // Opens at the next whole minute at least two seconds away: a wait of at most a minute.
    const opens = new Date(Math.ceil((Date.now() + 2000) / 60_000) * 60_000);
    const time = (d: Date) => d.toISOString().slice(11, 16);
    return {
      trigger: { event: 'history' },
      actions: [
        {
          id: 'mail',
          type: 'sendEmail',
          subject: 'in the window',
          body: 'ok',
          window: { from: time(opens), to: time(new Date(opens.getTime() + 3_600_000)) },
        },
      ],
    };
  }),
  scenario('frequency-cap-skip', () => ({
    trigger: { event: 'history' },
    frequencyCap: { max: 1, per: '1h' },
    // A user of its own: a cap counts every email the user got.
    sample: { email: `capped-${randomUUID()}@example.com` },
    actions: [
      { id: 'first', type: 'sendEmail', subject: 'first', body: 'ok' },
      { id: 'second', type: 'sendEmail', subject: 'capped', body: 'no', after: ['first'] },
      {
        id: 'receipt',
        type: 'sendEmail',
        category: 'transactional',
        subject: 'never capped',
        body: 'ok',
        after: ['second:capped'],
      },
    ],
  })),
  scenario('frequency-cap-delay', () => ({
    trigger: { event: 'history' },
    sample: { email: `capped-${randomUUID()}@example.com` },
    actions: [
      { id: 'first', type: 'sendEmail', subject: 'first', body: 'ok' },
      {
        id: 'second',
        type: 'sendEmail',
        subject: 'once the cap allows it',
        body: 'ok',
        after: ['first'],
        frequencyCap: { max: 1, per: '2s' },
        onCap: 'delay',
      },
    ],
  })),
  scenario(
    'exit-in-back-off',
    (r) => ({
      trigger: { event: 'history' },
      exitOn: [{ event: 'stop' }],
      actions: [
        {
          id: 'flaky',
          type: 'webhook',
          url: `${r.receiverUrl}/flaky/{{ event.id }}`,
          retry: { initialInterval: '1m' },
        },
        { id: 'after', type: 'sendEmail', subject: 'never', body: 'sent', after: ['flaky'] },
      ],
    }),
    (handle) => deliver(handle, 'flaky', ping('stop'), 'retrying'),
  ),
  scenario('retry-then-continue', (r) => ({
    trigger: { event: 'history' },
    actions: [
      {
        id: 'flaky',
        type: 'webhook',
        url: `${r.receiverUrl}/flaky/{{ event.id }}`,
        retry: { initialInterval: '200ms' },
      },
      { id: 'gone', type: 'webhook', url: `${r.receiverUrl}/gone`, onFailure: 'continue' },
      { id: 'join', type: 'sendEmail', subject: 'done', body: 'ok', after: ['flaky', 'gone'] },
    ],
  })),
  scenario('fail-with-sibling-in-flight', (r) => ({
    trigger: { event: 'history' },
    actions: [
      { id: 'slow', type: 'webhook', url: `${r.receiverUrl}/slow` },
      { id: 'gone', type: 'webhook', url: `${r.receiverUrl}/gone` },
    ],
  })),
  scenario(
    'two-waits-one-event',
    () => ({
      trigger: { event: 'history' },
      actions: [
        { id: 'first', type: 'waitForEvent', event: 'ping', timeout: '1m' },
        { id: 'second', type: 'waitForEvent', event: 'ping', timeout: '1m' },
      ],
    }),
    async (handle) => {
      await deliver(handle, 'second', ping('ping', 'once'));
      await handle.signal(eventSignal, ping('ping', 'once'));
      await handle.signal(eventSignal, ping('ping', 'twice'));
    },
  ),
  {
    name: 'rerun',
    async record(r) {
      const flow = await flowOf({
        id: 'rerun',
        name: 'Rerun',
        trigger: { event: 'history' },
        actions: [
          { id: 'hello', type: 'sendEmail', subject: 'once', body: 'hi' },
          { id: 'hook', type: 'webhook', url: `${r.receiverUrl}/fails-once`, after: ['hello'] },
        ],
      });
      const failed = await start(r, flow);
      await settled(failed);
      const { runId } = await rerunRun(r.client, failed.workflowId);
      const rerun = r.client.workflow.getHandle(failed.workflowId, runId);
      await settled(rerun);
      return [['', rerun]];
    },
  },
  {
    name: 'continue-as-new',
    async record(r) {
      const flow = await flowOf({
        id: 'continue-as-new',
        name: 'Continue as new',
        trigger: { event: 'history' },
        actions: [
          {
            id: 'flaky',
            type: 'webhook',
            url: `${r.receiverUrl}/flaky/{{ event.id }}`,
            retry: { initialInterval: '300ms', maximumInterval: '300ms' },
          },
          { id: 'pause', type: 'delay', duration: '1s' },
          { id: 'wait', type: 'waitForEvent', event: 'answer', timeout: '1m' },
          { id: 'mail', type: 'sendEmail', subject: 'done', body: 'ok', after: ['flaky', 'wait'] },
        ],
      });
      const first = await start(r, flow, { limits: { historyEvents: 10 } });
      await reached(first, 'pause', 'completed');
      await first.signal(eventSignal, ping('answer'));
      await settled(first);
      const last = r.client.workflow.getHandle(first.workflowId);
      const { runId } = await last.describe();
      if (runId === first.firstExecutionRunId) throw new Error('the run never continued as new');
      return [
        ['', r.client.workflow.getHandle(first.workflowId, first.firstExecutionRunId)],
        ['-last', r.client.workflow.getHandle(first.workflowId, runId)],
      ];
    },
  },
];

/** Answers by path: some fail at first, some for good, one is slow. */
function responder() {
  const calls = new Map<string, number>();
  return async ({ path }: { path: string }) => {
    const n = (calls.get(path) ?? 0) + 1;
    calls.set(path, n);
    if (path.startsWith('/flaky/')) return n <= 2 ? 503 : 200;
    if (path === '/fails-once') return n === 1 ? 404 : 200;
    if (path === '/gone') return 404;
    if (path === '/slow') await delay(1000);
    return 200;
  };
}

async function main(): Promise<void> {
  const samples = (await loadFlows('flows')).all();
  const scenarios = [...samples.flatMap(sampleScenarios), ...SCENARIOS];
  const todo = scenarios.filter((s) => !existsSync(fileOf(s.name, '')));
  if (todo.length === 0) {
    console.log(`every scenario has a ${VERSION} history in ${HISTORIES}`);
    return;
  }

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startTestServer();
  const [mail, receiver, store] = await Promise.all([
    startMailSink({ smtpPort: 0, webPort: 0 }),
    startWebhookReceiver({ port: 0, respond: responder() }),
    openStore({}),
  ]);
  const connection = await NativeConnection.connect({ address: server.address });
  const temporal = { namespace: 'default', taskQueue: 'histories' };
  try {
    const worker = await createWorker({
      connection,
      temporal,
      store,
      activities: {
        smtpUrl: mail.smtpUrl,
        mailFrom: 'histories@socktech.local',
        webhookBaseUrl: receiver.url,
        publicUrl: 'http://127.0.0.1:3000',
        secret: 'histories',
      },
    });
    const recorder: Recorder = {
      client: clientFor(connection, temporal),
      taskQueue: temporal.taskQueue,
      receiverUrl: receiver.url,
    };
    await worker.runUntil(
      Promise.all(
        todo.map(async (s) => {
          for (const [suffix, handle] of await s.record(recorder)) {
            const json = historyToJSON(await handle.fetchHistory());
            await writeFile(fileOf(s.name, suffix), JSON.stringify(JSON.parse(json), null, 2));
            console.log(`recorded ${path.relative(process.cwd(), fileOf(s.name, suffix))}`);
          }
        }),
      ),
    );
  } finally {
    closeActivities();
    await Promise.all([connection.close(), mail.close(), receiver.close(), store.close()]);
    await server.stop();
  }
}

function fileOf(scenario: string, suffix: string): string {
  return path.join(HISTORIES, `${scenario}${suffix}.${VERSION}.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
