import { randomBytes } from 'node:crypto';
import { closeActivities } from '../../src/activities';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { startMailSink, type MailSink } from '../../src/devservices/mailSink';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import { openStore, type Store } from '../../src/store/db';
import type { DevServer } from '../../src/temporal/devServer';
import { startTestServer } from './devServer';
import { dropPostgresDatabases } from './postgres';

export interface Harness {
  env: TestWorkflowEnvironment;
  address: string;
  /** Bundled once per run: every worker a test starts reuses it. */
  workflowBundle: { code: string };
  mail: MailSink;
  webhooks: WebhookReceiver;
  /** Embedded, in memory: what workers and APIs in this process share. */
  store: Store;
  /** Signs the unsubscribe links of every worker and API the run starts. */
  secret: string;
}

let server: (DevServer & { address: string }) | undefined;
let current: Harness | undefined;

export function harness(): Harness {
  if (!current) throw new Error('the test harness has not started (see test/harness/hooks.ts)');
  return current;
}

before(async function () {
  this.timeout(180_000);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  server = await startTestServer();
  const [env, workflowBundle, mail, webhooks, store] = await Promise.all([
    TestWorkflowEnvironment.createFromExistingServer({ address: server.address }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../src/workflows'),
      logger: new DefaultLogger('WARN'),
    }),
    startMailSink({ smtpPort: 0, webPort: 0 }),
    startWebhookReceiver({ port: 0 }),
    openStore({}),
  ]);
  const secret = randomBytes(32).toString('hex');
  current = { env, address: server.address, workflowBundle, mail, webhooks, store, secret };
});

after(async function () {
  this.timeout(30_000);
  if (current) {
    // Pooled SMTP connections would keep the sink from closing.
    closeActivities();
    await Promise.all([
      current.env.teardown(),
      current.mail.close(),
      current.webhooks.close(),
      current.store.close(),
    ]);
  }
  await Promise.all([server?.stop(), dropPostgresDatabases()]);
});
