import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/devservices/webhookReceiver';
import { loadFlows } from '../../src/flows/load';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

const ARTIFACTS = 'test/artifacts';

describe('the front page in Chromium', () => {
  let socktech: Socktech;
  let browser: Browser;
  let page: Page;
  let receiver: WebhookReceiver;
  let hookStatus = 404;
  const dialogs: string[] = [];
  const errors: string[] = [];

  before(async () => {
    const samples = await loadFlows(['flows/quick-demo.json', 'flows/abandoned-cart.json']);
    const quickDemo = samples.get('quick-demo')!;
    const sampleCart = samples.get('abandoned-cart')!;
    // The sample waits four hours for the order; here the wait times out after one second.
    const cart = {
      ...sampleCart,
      actions: sampleCart.actions.map((a) =>
        a.type === 'waitForEvent' ? { ...a, timeoutMs: 1000 } : a,
      ),
    };
    receiver = await startWebhookReceiver({ port: 0, respond: () => hookStatus });
    const rerun = await testFlow({
      id: 'page-rerun',
      name: 'Rerun me',
      trigger: { event: 'page.rerun' },
      actions: [
        { id: 'hello', type: 'sendEmail', subject: 'Hello', body: 'hi' },
        { id: 'hook', type: 'webhook', url: `${receiver.url}/hook`, after: ['hello'] },
      ],
    });
    const inert = await testFlow({
      id: 'page-inert',
      name: 'Inert text',
      trigger: { event: 'page.inert' },
      actions: [{ id: 'ping', type: 'webhook', url: `${harness().webhooks.url}/inert` }],
    });
    // A send window that is closed for the next two hours, whatever the time of the run.
    const hour = (h: number) =>
      `${String((new Date().getUTCHours() + h) % 24).padStart(2, '0')}:00`;
    const window = { from: hour(2), to: hour(3) };
    const journey = await testFlow({
      id: 'page-journey',
      name: 'Journey',
      trigger: { event: 'page.journey' },
      exitOn: [{ event: 'page.journey.stop', match: 'cart' }],
      actions: [
        { id: 'ab', type: 'split', paths: { a: 50, b: 50 } },
        { id: 'mail_a', type: 'sendEmail', subject: 'A', body: 'a', after: ['ab:a'], window },
        { id: 'mail_b', type: 'sendEmail', subject: 'B', body: 'b', after: ['ab:b'], window },
      ],
    });
    [socktech, browser] = await Promise.all([
      startSocktech([quickDemo, inert, rerun, cart, journey]),
      launchChromium(),
    ]);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await socktech?.stop();
    await receiver?.close();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(socktech.url);
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'no script errors on the page');
  });

  /** The row of a run in the list shown, found by its email; waits until it is there. */
  const runRow = async (email: string) => {
    const row = page.locator('#runs tr', { hasText: email });
    await row.waitFor({ timeout: 20_000 });
    return row;
  };
  const showTab = (status: string) => page.click(`[role=tab][data-status=${status}]`);

  /** Starts a run with the page's own trigger control, and waits for it to say so. */
  const triggerFromPage = async (flowId: string, email: string) => {
    await page.selectOption('#flow', flowId);
    await page.fill('#email', email);
    await page.click('#trigger button[type=submit]');
    await page.locator('#trigger-result', { hasText: `Started a run for ${email}` }).waitFor();
  };

  it('shows a triggered sample run under Running, then under Completed, with its timeline', async () => {
    const email = `page-${Date.now()}@example.com`;
    await triggerFromPage('quick-demo', email);

    assert.equal(await page.getAttribute('[data-status=running]', 'aria-selected'), 'true');
    const running = await runRow(email);
    assert.match(await running.innerText(), /Quick demo/);
    assert.match(await running.locator('.badge').innerText(), /running/);

    await showTab('completed');
    const completed = await runRow(email);
    assert.match(await completed.locator('.badge').innerText(), /completed/);
    await completed.click();
    await page.locator('#facts .badge', { hasText: 'completed' }).waitFor();
    await page.locator('#timeline tr').first().waitFor();
    const nodes = await page
      .locator('#timeline tr')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-node'),
          row.querySelector('.badge')?.textContent,
        ]),
      );
    assert.deepEqual(nodes, [
      ['hello', 'completed'],
      ['notify', 'completed'],
      ['pause', 'completed'],
      ['goodbye', 'completed'],
    ]);
    assert.match(await page.innerText('#detail-title'), new RegExp(`Quick demo · ${email}`));
    assert.ok(Number(await page.innerText('[data-count=completed]')) >= 1);

    await page.screenshot({ path: `${ARTIFACTS}/page-completed-run.png`, fullPage: true });
  });

  it('shows the path a run took: outcomes of the wait and the branch, the other nodes skipped', async () => {
    const email = `cart-${Date.now()}@example.com`;
    await triggerFromPage('abandoned-cart', email);
    await showTab('completed');
    await (await runRow(email)).click();
    await page.locator('#facts .badge', { hasText: 'completed' }).waitFor();
    const nodes = await page
      .locator('#timeline tr')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.getAttribute('data-node'),
          row.querySelector('.badge')?.textContent,
          /outcome (\w+)/.exec(row.textContent ?? '')?.[1] ?? null,
        ]),
      );
    // The sample cart is worth 120: no order came, so the big-cart reminder is the path taken.
    assert.deepEqual(nodes, [
      ['wait_order', 'completed', 'timedOut'],
      ['thank_you', 'skipped', null],
      ['big_cart', 'completed', 'true'],
      ['reminder_coupon', 'completed', null],
      ['reminder', 'skipped', null],
      ['crm', 'completed', null],
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/page-branch-run.png`, fullPage: true });
  });

  it('renders markup and email-looking strings from an event as inert text', async () => {
    const email = `inert-${Date.now()}@example.com`;
    const properties = {
      name: '<script>window.__pwned = 1</script>',
      avatar: '<img src=x onerror=alert(1)>',
      contact: 'Eve <eve@example.com>',
    };
    const { body } = await socktech.post('/v1/events', { name: 'page.inert', email, properties });
    const { workflowId } = body.events[0].matched[0];
    await socktech.client.workflow.getHandle(workflowId).result();

    await page.selectOption('#filter-flow', 'page-inert');
    await showTab('completed');
    await (await runRow(email)).click();
    const event = page.locator('#event');
    await event.locator('text=Eve <eve@example.com>').waitFor();

    const text = await event.innerText();
    for (const value of Object.values(properties)) assert.ok(text.includes(value), value);
    assert.equal(await event.locator('*').count(), 1, 'only the event name span, no parsed markup');
    assert.equal(await page.locator('img, script:not([src])').count(), 0);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.deepEqual(dialogs, []);
    await page.screenshot({ path: `${ARTIFACTS}/page-inert-text.png`, fullPage: true });
  });

  it('reruns a failed run from its timeline, skipping the node that completed', async () => {
    const email = `rerun-${Date.now()}@example.com`;
    const { body } = await socktech.post('/v1/events', { name: 'page.rerun', email });
    const { workflowId } = body.events[0].matched[0];
    await socktech.client.workflow
      .getHandle(workflowId)
      .result()
      .catch(() => undefined);

    await page.selectOption('#filter-flow', 'page-rerun');
    await showTab('failed');
    await (await runRow(email)).click();
    await page.locator('#failure', { hasText: 'Failed at node hook' }).waitFor();
    hookStatus = 200;
    await page.click('#rerun');
    await page.locator('#action-result', { hasText: 'Rerun started as a new run' }).waitFor();
    await page.locator('#facts .badge', { hasText: 'completed' }).waitFor();
    assert.equal(await page.innerText('[data-node=hello] .tag'), 'from earlier run');
    assert.equal(await page.innerText('[data-node=hook] .badge'), 'completed');
    assert.equal(await page.isVisible('#rerun'), false);
  });

  it('lists a run an exit event ended under Exited, with the event on its timeline', async () => {
    const email = `journey-${Date.now()}@example.com`;
    const { body } = await socktech.post('/v1/events', {
      name: 'page.journey',
      email,
      properties: { cart: 'C-1' },
    });
    const { workflowId } = body.events[0].matched[0];
    const handle = socktech.client.workflow.getHandle(workflowId);
    await page.selectOption('#filter-flow', 'page-journey');
    await (await runRow(email)).click();
    const waiting = page.locator('#timeline tr', { hasText: 'waiting for send window until' });
    await waiting.waitFor();
    const path = /outcome (\w+)/.exec(await page.innerText('#timeline [data-node=ab]'))![1];
    assert.equal(await waiting.getAttribute('data-node'), `mail_${path}`);

    await socktech.post('/v1/events', {
      name: 'page.journey.stop',
      email,
      properties: { cart: 'C-1' },
    });
    await handle.result();
    await showTab('exited');
    const row = await runRow(email);
    assert.equal(await row.locator('.badge').innerText(), 'exited · completed');
    assert.ok(Number(await page.innerText('[data-count=exited]')) >= 1);
    await row.click();
    const exit = page.locator('#timeline [data-exit="page.journey.stop"]');
    await exit.waitFor();
    assert.match(await exit.innerText(), /ended the run.*"cart":"C-1"/);
    assert.match(
      await page.innerText(`#timeline [data-node=mail_${path}]`),
      /stopped when the run ended/,
    );
    await page.screenshot({ path: `${ARTIFACTS}/page-exited-run.png`, fullPage: true });
  });

  it("describes a flow's exit rules, splits and send windows, one line each", async () => {
    await page.selectOption('#flow', 'page-journey');
    const lines = await page
      .locator('#flow-features li')
      .evaluateAll((items) => items.map((li) => [li.getAttribute('data-feature'), li.textContent]));
    assert.deepEqual(
      lines.map(([feature]) => feature),
      ['exit', 'split', 'window', 'window'],
    );
    assert.equal(lines[0][1], 'Exits on page.journey.stop for the same cart');
    assert.equal(lines[1][1], 'Split ab: a 50 %, b 50 % (runs per path on /metrics)');
    assert.match(
      lines[2][1]!,
      /^mail_a sends mon tue wed thu fri sat sun \d\d:00–\d\d:00, in the user's time zone \(else UTC\)$/,
    );
  });
});
