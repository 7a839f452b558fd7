import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { testFlow } from '../harness/flows';
import { startSocktech, type Socktech } from '../harness/socktech';

const ARTIFACTS = 'test/artifacts';

describe("a user's view on the page, in Chromium", () => {
  let socktech: Socktech;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    const flow = await testFlow({
      id: 'page-user',
      name: 'User view',
      trigger: { event: 'page.user' },
      actions: [
        {
          id: 'hello',
          type: 'sendEmail',
          subject: 'Hello',
          body: '<p>Hi {{ user.traits.name }}</p>',
        },
      ],
    });
    [socktech, browser] = await Promise.all([startSocktech([flow]), launchChromium()]);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await socktech?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (err) => problems.push(err.message));
    // A Content-Security-Policy violation shows only as a console error.
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(problems, [], 'no script errors, CSP violations or dialogs');
  });

  const subscribed = async (email: string) => {
    const res = await fetch(`${socktech.url}/v1/users/${email}/subscription`);
    return ((await res.json()) as { subscribed: boolean }).subscribed;
  };

  it("opens from a run's detail: traits as text, messages, runs, and the subscription button", async () => {
    const email = `page-user-${randomUUID()}@example.com`;
    const name = '<img src=x onerror=alert(1)>';
    await socktech.post('/v1/batch', {
      batch: [{ type: 'identify', userId: 'page-user-1', traits: { email, name } }],
    });
    const { body } = await socktech.post('/v1/events', { name: 'page.user', email });
    const { workflowId } = body.events[0].matched[0];
    await socktech.client.workflow.getHandle(workflowId).result();

    await page.goto(socktech.url);
    await page.selectOption('#filter-flow', 'page-user');
    await page.click('[role=tab][data-status=completed]');
    const row = page.locator('#runs tr', { hasText: email });
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await page.locator('#facts .badge', { hasText: 'completed' }).waitFor();
    await page.click('#user-link');

    await page.locator('#user-messages tr').first().waitFor();
    assert.equal(await page.innerText('#user-title'), email);
    assert.equal(new URL(page.url()).hash, `#user=${encodeURIComponent(email)}`);
    const traits = await page.innerText('#user-profiles .traits');
    assert.deepEqual(JSON.parse(traits), { email, name });
    assert.equal(await page.getAttribute('#user-profiles .profile', 'data-user-id'), 'page-user-1');
    assert.equal(await page.locator('#user img, #user script').count(), 0, 'no parsed markup');
    assert.deepEqual(
      await page
        .locator('#user-messages tr')
        .evaluateAll((rows) =>
          rows.map((r) => [r.getAttribute('data-node'), r.cells[1].textContent]),
        ),
      [['hello', 'email']],
    );
    assert.equal(
      await page.getAttribute('#user-runs tr', 'data-workflow-id'),
      workflowId,
      'the run, listed',
    );
    await page.screenshot({ path: `${ARTIFACTS}/page-user.png`, fullPage: true });

    assert.equal(await page.innerText('#user-subscription .badge'), 'subscribed');
    await page.click('#user-subscribe');
    await page.locator('#user-subscription .badge', { hasText: 'unsubscribed' }).waitFor();
    assert.equal(await page.innerText('#user-subscribe'), 'Subscribe again');
    assert.equal(await subscribed(email), false);

    await page.click('#user-subscribe');
    await page.locator('#user-subscription .badge', { hasText: /^subscribed$/ }).waitFor();
    assert.equal(await page.innerText('#user-subscribe'), 'Unsubscribe');
    assert.equal(await subscribed(email), true);

    await page.click('#user a[href="#"]');
    await page.locator('#user').waitFor({ state: 'hidden' });
  });

  it("says why the trigger started no run for a user without the traits the flow's emails print", async () => {
    const email = `traitless-${randomUUID()}@example.com`;
    await page.goto(socktech.url);
    await page.selectOption('#flow', 'page-user');
    await page.fill('#email', email);
    await page.click('#trigger button[type=submit]');

    await page
      .locator('#trigger-result', {
        hasText: "No run: the user's profile lacks user.traits.name.",
      })
      .waitFor();
  });

  it('opens from a link to #user=<email>, for an address nothing is known of', async () => {
    const email = `nobody-${randomUUID()}@example.com`;
    await page.goto(`${socktech.url}/#user=${encodeURIComponent(email)}`);

    await page.locator('#user-subscription .badge').waitFor();
    assert.equal(await page.innerText('#user-title'), email);
    assert.match(await page.innerText('#user-profiles'), /No identify call described/);
    assert.equal(await page.isVisible('#user-no-messages'), true);
    assert.equal(await page.isVisible('#user-no-runs'), true);
  });
});
