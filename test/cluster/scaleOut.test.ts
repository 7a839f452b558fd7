import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  dropClusterDatabases,
  freeClusterPort,
  startCluster,
  type Cluster,
} from '../../scripts/cluster/cluster';
import {
  spawnApi,
  spawnWorker,
  type ApiProcess,
  type NodeProcess,
} from '../../scripts/cluster/processes';
import { launchChromium } from '../harness/browser';
import { freePort } from '../harness/devServer';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';
import { waitUntil } from '../harness/waitUntil';

// Two emails five seconds apart: a worker killed between them leaves runs in the pause.
const FLOW = {
  id: 'cluster-welcome',
  name: 'Cluster welcome',
  trigger: { event: 'cluster.signup' },
  actions: [
    { id: 'welcome', type: 'sendEmail', subject: 'Welcome', body: '<p>Hello</p>' },
    { id: 'pause', type: 'delay', after: ['welcome'], duration: '5s' },
    { id: 'tips', type: 'sendEmail', after: ['pause'], subject: 'Tips', body: '<p>Tips</p>' },
  ],
};
const RUNS = 40;

describe('Socktech on a Temporal cluster on PostgreSQL', () => {
  const db = `socktech_test_cluster_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const flowsDir = mkdtempSync(path.join(tmpdir(), 'socktech-cluster-flows-'));
  let cluster: Cluster | undefined;
  let workers: NodeProcess[] = [];
  let apis: ApiProcess[] = [];
  let browser: Browser | undefined;

  before(async function () {
    this.timeout(240_000);
    const h = harness();
    writeFileSync(path.join(flowsDir, `${FLOW.id}.json`), JSON.stringify(FLOW));
    cluster = await startCluster({ port: await freeClusterPort(), db });
    const env = {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_TASK_QUEUE: 'cluster-test',
      SMTP_URL: h.mail.smtpUrl,
      WEBHOOK_BASE_URL: h.webhooks.url,
      DATABASE_URL: await freshPostgresDatabase(),
      SOCKTECH_SECRET: randomBytes(32).toString('hex'),
      FLOWS_DIR: flowsDir,
    };
    const worker = async () =>
      spawnWorker({ ...env, WORKER_METRICS_PORT: String(await freePort()) });
    [workers, apis] = await Promise.all([
      Promise.all([worker(), worker()]),
      Promise.all([spawnApi(env), spawnApi(env)]),
    ]);
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close();
    await Promise.all([...workers, ...apis].map((p) => p.stop()));
    await cluster?.stop();
    await dropClusterDatabases(db);
    rmSync(flowsDir, { recursive: true, force: true });
  });

  it('runs every event once across two workers and two APIs, one worker killed midway', async function () {
    this.timeout(180_000);
    const h = harness();
    const emails = Array.from(
      { length: RUNS },
      (_, i) => `cluster-${i}-${randomUUID()}@example.com`,
    );
    const ours = async () =>
      (await h.mail.messages()).filter((m) => m.to.some((to) => emails.includes(to)));
    const post = async (email: string, i: number) => {
      const res = await fetch(`${apis[i % 2].url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'cluster.signup', email, properties: {} }),
      });
      assert.equal(res.status, 202, await res.clone().text());
      const { events } = (await res.json()) as any;
      assert.equal(events[0].matched[0].outcome, 'started');
      return events[0].matched[0].workflowId as string;
    };
    const welcomed = async (workflowId: string) => {
      const { nodes } = (await (await fetch(`${apis[0].url}/v1/runs/${workflowId}`)).json()) as any;
      return nodes.some((n: any) => n.id === 'welcome' && n.state === 'completed');
    };

    const firstHalf = await Promise.all(emails.slice(0, RUNS / 2).map(post));
    // Killed while those runs wait in their pause, not between an email's acceptance and its
    // record in the send ledger: the milliseconds no ledger can close (README, The send ledger).
    await waitUntil(
      async () => (await Promise.all(firstHalf.map(welcomed))).every(Boolean),
      'the first half to send its first email',
      30_000,
    );
    await workers[0].stop('SIGKILL');
    await Promise.all(emails.slice(RUNS / 2).map((email, i) => post(email, RUNS / 2 + i)));

    const counts = async () =>
      (await fetch(`${apis[0].url}/v1/runs/counts?flowId=${FLOW.id}`)).json() as any;
    await waitUntil(
      async () => (await counts()).completed === RUNS,
      `all ${RUNS} runs to complete`,
      150_000,
    );
    const sent = await ours();
    for (const email of emails) {
      const subjects = sent.filter((m) => m.to.includes(email)).map((m) => m.subject);
      assert.deepEqual(subjects.sort(), ['Tips', 'Welcome'], `emails to ${email}`);
    }
    const { completed, ...others } = await counts();
    assert.equal(completed, RUNS);
    assert.ok(
      Object.values(others).every((n) => n === 0),
      `no run in another list: ${JSON.stringify(others)}`,
    );

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(apis[1].url);
    await page.click('[role=tab][data-status=completed]');
    await waitUntil(
      async () => (await page.innerText('[data-count=completed]')) === String(RUNS),
      'the page to count every run',
    );
    assert.deepEqual(await listedEmails(page), [...emails].sort());
  });
});

/** Every email in the list shown, page after page (“Older →”). */
async function listedEmails(page: Page): Promise<string[]> {
  const cells = page.locator('#runs tr td:nth-child(2)');
  await cells.first().waitFor();
  const listed: string[] = [];
  for (;;) {
    const shown = await cells.allInnerTexts();
    listed.push(...shown);
    if (await page.isDisabled('#older')) return listed.sort();
    await page.click('#older');
    await waitUntil(async () => (await cells.allInnerTexts())[0] !== shown[0], 'the older page');
  }
}
