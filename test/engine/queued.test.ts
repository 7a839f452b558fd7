import assert from 'node:assert/strict';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildIndex } from '../../src/flows/load';
import { createIngest, type Ingest } from '../../src/ingest/ingest';
import { userHash, workflowIdFor } from '../../src/ingest/identity';
import { startRelay } from '../../src/ingest/relay';
import { TemporalUnavailableError } from '../../src/ingest/unavailable';
import type { Flow } from '../../src/flows/schema';
import { openStore, type Store } from '../../src/store/db';
import { countPending } from '../../src/store/pending';
import { eventSignal } from '../../src/workflows/definitions';
import { flowRun } from '../../src/workflows/flowRun';
import { startTestServer } from '../harness/devServer';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { backends } from '../store/backends';

// No worker: the runs only need to exist, and to hold the signals they were sent.
const TASK_QUEUE = 'queued-no-worker';
const hook = { id: 'hook', type: 'webhook' as const, url: 'http://127.0.0.1:9/unused' };

/**
 * A client that reaches the harness's Temporal, except for the starts of `gone` and the signals
 * to `deaf`: those go to a server that was stopped, a real connection refused, so that Temporal
 * is away for part of one request.
 */
function partlyReachable(live: NativeConnection, dead: Client): Client {
  const interceptor: WorkflowClientInterceptor = {
    async start(input, next) {
      const { workflowId } = input.options;
      if (!workflowId.startsWith('gone')) return next(input);
      const handle = await dead.workflow.start(flowRun, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [] as never,
      });
      return handle.firstExecutionRunId;
    },
    async signal(input, next) {
      const { workflowId } = input.workflowExecution;
      if (!workflowId.startsWith('deaf')) return next(input);
      await dead.workflow
        .getHandle(workflowId)
        .signal(eventSignal, { name: 'never', properties: {} });
    },
  };
  return new Client({ connection: live, interceptors: { workflow: [interceptor] } });
}

for (const backend of backends) {
  describe(`Temporal away for part of a request, on ${backend.name}`, function () {
    this.timeout(120_000);
    let store: Store;
    let deadConnection: NativeConnection;
    let ingest: Ingest;
    let live: Client;
    let flows: Flow[];
    const email = `half-${backend.name}@example.com`;
    const idOf = (flowId: string, eventId = '') =>
      workflowIdFor(
        flows.find((f) => f.id === flowId)!,
        userHash(email),
        eventId,
      );

    before(async () => {
      const h = harness();
      store = await openStore(await backend.fresh());
      const server = await startTestServer();
      deadConnection = await NativeConnection.connect({ address: server.address });
      await server.stop();
      live = new Client({ connection: h.env.nativeConnection });
      flows = await Promise.all([
        testFlow({ id: 'here', name: 'Here', trigger: { event: 'go' }, actions: [hook] }),
        testFlow({ id: 'gone', name: 'Gone', trigger: { event: 'go' }, actions: [hook] }),
        testFlow({ id: 'gone-alone', name: 'Alone', trigger: { event: 'alone' }, actions: [hook] }),
        testFlow({
          id: 'deaf',
          name: 'Deaf',
          trigger: { event: 'wait.start' },
          actions: [{ id: 'wait', type: 'waitForEvent', event: 'go', timeout: '1d' }],
        }),
      ]);
      const index = buildIndex(flows);
      ingest = createIngest({
        client: partlyReachable(h.env.nativeConnection, new Client({ connection: deadConnection })),
        store,
        flows: () => index,
        taskQueue: TASK_QUEUE,
        eagerStart: false,
        logError: (err) => console.error(err),
      });
    });
    after(async () => {
      for (const flowId of ['here', 'gone', 'deaf']) {
        await live.workflow
          .getHandle(idOf(flowId))
          .terminate()
          .catch(() => undefined);
      }
      await deadConnection?.close();
      await store?.close();
    });

    it('keeps what Temporal did not take, says queued, and the relay carries it out', async () => {
      const [waiting] = await ingest([{ name: 'wait.start', email, properties: {} }]);
      assert.equal(waiting.matched[0].outcome, 'started');

      const [result] = await ingest([{ name: 'go', email, id: 'go-1', properties: {} }]);

      const outcomes = Object.fromEntries(result.matched.map((m) => [m.flowId, m.outcome]));
      assert.deepEqual(outcomes, { here: 'started', gone: 'queued' });
      assert.deepEqual(result.queued, [{ flowId: 'deaf', workflowId: idOf('deaf') }]);
      assert.equal(result.undelivered, undefined);
      assert.equal(await countPending(store), 2);

      const relay = startRelay({
        client: live,
        store,
        taskQueue: TASK_QUEUE,
        eagerStart: false,
        logError: (err) => console.error(err),
        everyMs: 3_600_000,
      });
      try {
        assert.equal(await relay.drain(), 2);
      } finally {
        await relay.stop();
      }
      assert.equal(await countPending(store), 0);
      const gone = await live.workflow.getHandle(idOf('gone')).describe();
      assert.equal(gone.status.name, 'RUNNING');
      const history = await live.workflow.getHandle(idOf('deaf')).fetchHistory();
      const signals = (history.events ?? []).filter(
        (e) => e.workflowExecutionSignaledEventAttributes,
      );
      assert.equal(signals.length, 1);
    });

    it('refuses a request none of which Temporal took, and keeps nothing of it', async () => {
      await assert.rejects(
        ingest([{ name: 'alone', email, properties: {} }]),
        TemporalUnavailableError,
      );
      assert.equal(await countPending(store), 0);
    });
  });
}
