import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection } from '@temporalio/worker';
import { closeActivities } from '../src/activities';
import { validateFlow } from '../src/flows/validate';
import { userHash, workflowIdFor } from '../src/ingest/identity';
import { openStore, type StoreLocation } from '../src/store/db';
import type { Rate } from '../src/store/rateLimit';
import { clientFor } from '../src/temporal/connection';
import { flowRun } from '../src/workflows/flowRun';
import { createWorker } from '../src/worker';
import { inParallel } from './pool';
import { writeResults } from './results';
import { startServer } from './server';
import { NAMESPACE } from './settings';
import { startTimedSmtp } from './timedSmtp';

export interface SendRateOptions {
  connection: NativeConnection;
  workflowBundle: { code: string };
  /** Runs of a one-email flow, all queued before the worker starts. */
  sends: number;
  rate: Rate;
  /** Where the limit is kept: the embedded store when absent. */
  store?: StoreLocation;
}

export interface SendRate {
  sends: number;
  rate: Rate;
  /** From the first message the SMTP server received to the last. */
  totalS: number;
  /** What the rate allows: one send per interval after the first. */
  expectedS: number;
  /** Messages received in each second counted from the first. */
  perSecond: number[];
  maxPerSecond: number;
  /** The most messages in any window of the rate's length, wherever it starts. */
  maxInAnyWindow: number;
  /** Node attempts over all runs: a wait for the rate is no attempt, so one each. */
  attempts: number;
}

/**
 * `sends` emails queued at once under SMTP_RATE, through one worker and a store of its own,
 * timed as the SMTP server receives them: the provider's view of the rate.
 */
export async function measureSendRate(options: SendRateOptions): Promise<SendRate> {
  const { connection, workflowBundle, sends, rate } = options;
  const smtp = await startTimedSmtp();
  const store = await openStore(options.store ?? {});
  const taskQueue = `send-rate-${randomUUID()}`;
  try {
    const worker = await createWorker({
      connection,
      temporal: { namespace: NAMESPACE, taskQueue },
      store,
      workflowBundle,
      activities: {
        smtpUrl: smtp.url,
        mailFrom: 'Bench <bench@socktech.local>',
        webhookBaseUrl: 'http://127.0.0.1:9',
        publicUrl: 'http://127.0.0.1',
        secret: randomBytes(32).toString('hex'),
        smtpRate: rate,
      },
    });
    const client = clientFor(connection, { namespace: NAMESPACE, taskQueue });
    const flow = await oneEmailFlow();
    // Every run is queued before the worker starts: the rate is measured, not how fast runs start.
    const handles: WorkflowHandle<typeof flowRun>[] = [];
    await inParallel(
      Array.from({ length: sends }, (_, i) => `rate-${i}@example.com`),
      50,
      async (email) => {
        const user = { email, hash: userHash(email) };
        const event = { name: flow.trigger.event, id: randomUUID(), properties: {} };
        handles.push(
          await client.workflow.start(flowRun, {
            workflowId: workflowIdFor(flow, user.hash, event.id),
            taskQueue,
            args: [{ flow, event, user }],
          }),
        );
      },
    );
    const results = await worker.runUntil(Promise.all(handles.map((h) => h.result())));
    const attempts = results.reduce((sum, r) => sum + r.nodes[0].attempts, 0);
    return summarize(smtp.arrivals(), rate, attempts);
  } finally {
    await Promise.all([smtp.close(), store.close()]);
  }
}

async function oneEmailFlow() {
  const result = await validateFlow({
    id: 'send-rate',
    name: 'Send rate',
    reentry: 'every-event',
    category: 'transactional',
    trigger: { event: 'send-rate' },
    actions: [{ id: 'email', type: 'sendEmail', subject: 'Rate', body: '<p>Rate</p>' }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.flow;
}

function summarize(arrivals: number[], rate: Rate, attempts: number): SendRate {
  const first = arrivals[0];
  const perSecond: number[] = [];
  for (const at of arrivals) {
    const second = Math.floor((at - first) / 1000);
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  }
  let maxInAnyWindow = 0;
  for (let start = 0, end = 0; end < arrivals.length; end++) {
    while (arrivals[end] - arrivals[start] >= rate.perMs) start++;
    maxInAnyWindow = Math.max(maxInAnyWindow, end - start + 1);
  }
  // A second without a message is a hole in the array.
  const counts = Array.from(perSecond, (count) => count ?? 0);
  return {
    sends: arrivals.length,
    rate,
    totalS: (arrivals.at(-1)! - first) / 1000,
    expectedS: ((arrivals.length - 1) * rate.perMs) / rate.max / 1000,
    perSecond: counts,
    maxPerSecond: Math.max(...counts),
    maxInAnyWindow,
    attempts,
  };
}

/** The timeline, a line per second, and the totals. */
export function sendRateReport(m: SendRate): string {
  const limit = `${m.rate.max} per ${m.rate.perMs} ms`;
  const lines = m.perSecond.map(
    (count, second) =>
      `${String(second).padStart(4)} s  ${String(count).padStart(4)}  ${'#'.repeat(count)}`,
  );
  const offBy = ((m.totalS - m.expectedS) / m.expectedS) * 100;
  return [
    `${m.sends} emails queued at once, SMTP_RATE ${limit}; messages received per second:`,
    ...lines,
    `first to last: ${m.totalS.toFixed(2)} s (the rate allows ${m.expectedS.toFixed(2)} s: ` +
      `${offBy >= 0 ? '+' : ''}${offBy.toFixed(1)} %)`,
    `most in one second: ${m.maxPerSecond}; most in any ${m.rate.perMs} ms: ${m.maxInAnyWindow}` +
      ` (limit ${m.rate.max}); attempts: ${m.attempts}`,
  ].join('\n');
}

/** `npm run bench -- --rate [--quick]`: 1,000 emails (200 with --quick) at 20/s. */
export async function sendRateBench(quick: boolean): Promise<void> {
  const startedAt = new Date();
  process.stderr.write('starting a dev server, bundling the workflows…\n');
  const [server, workflowBundle] = await Promise.all([
    startServer(),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../src/workflows'),
      logger: new DefaultLogger('WARN'),
    }),
  ]);
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    const sends = quick ? 200 : 1000;
    process.stderr.write(`starting ${sends} runs, each sending one email…\n`);
    const measured = await measureSendRate({
      connection,
      workflowBundle,
      sends,
      rate: { max: 20, perMs: 1000 },
    });
    const results = { startedAt: startedAt.toISOString(), quick, ...measured };
    const file = writeResults(results, 'rate-');
    process.stdout.write(
      `\n${sendRateReport(measured)}\n\nall figures: ${path.relative(process.cwd(), file)}\n`,
    );
  } finally {
    await connection.close();
    closeActivities();
    await server.stop();
  }
}
