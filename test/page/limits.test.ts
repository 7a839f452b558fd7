import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { testFlow } from '../harness/flows';
import { startSocktech, type Socktech } from '../harness/socktech';

describe('frequency caps on the page, in Chromium', () => {
  let socktech: Socktech;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    // The second email of a run is over the cap of one an hour: it waits, or it is skipped.
    const capped = (id: string, onCap: 'delay' | 'skip') =>
      testFlow({
        id,
        name: `Capped, ${onCap}`,
        trigger: { event: id },
        frequencyCap: { max: 1, per: '1h' },
        actions: [
          { id: 'first', type: 'sendEmail', subject: 'First', body: 'one' },
          {
            id: 'second',
            type: 'sendEmail',
            subject: 'Second',
            body: 'two',
            after: ['first'],
            onCap,
          },
        ],
      });
    [socktech, browser] = await Promise.all([
      startSocktech([
        await capped('page-cap-delay', 'delay'),
        await capped('page-cap-skip', 'skip'),
      ]),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(socktech.url);
  });
  after(async () => {
    await browser?.close();
    await socktech?.stop();
  });
  afterEach(() => assert.deepEqual(errors, [], 'no script errors on the page'));

  const openRun = async (flowId: string, status: string) => {
    const email = `${flowId}-${Date.now()}@example.com`;
    await page.selectOption('#flow', flowId);
    await page.fill('#email', email);
    await page.click('#trigger button[type=submit]');
    await page.locator('#trigger-result', { hasText: `Started a run for ${email}` }).waitFor();
    await page.click(`[role=tab][data-status=${status}]`);
    const row = page.locator('#runs tr', { hasText: email });
    await row.waitFor({ timeout: 20_000 });
    await row.click();
  };

  it("says under the flow's shape what its cap is, and what an email over it does", async () => {
    await page.selectOption('#flow', 'page-cap-delay');
    const lines = await page
      .locator('#flow-features li[data-feature=cap]')
      .evaluateAll((items) => items.map((li) => li.textContent));

    assert.deepEqual(lines, [
      'Marketing emails capped at 1 in 1h per user, across all flows',
      'second over the cap, waits until the cap allows it',
    ]);
  });

  it('shows an email waiting for the frequency cap, and until when', async () => {
    await openRun('page-cap-delay', 'running');

    const second = page.locator('#timeline [data-node=second]', {
      hasText: 'waiting for frequency cap until',
    });
    await second.waitFor();
    assert.match(await second.locator('.badge').innerText(), /waiting/);
  });

  it('shows an email the cap skipped with the outcome capped', async () => {
    await openRun('page-cap-skip', 'completed');

    const second = page.locator('#timeline [data-node=second]', { hasText: 'outcome capped' });
    await second.waitFor();
    assert.match(await second.locator('.badge').innerText(), /completed/);
  });
});
