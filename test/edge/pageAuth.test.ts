import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

describe('the page with API keys, in Chromium', () => {
  let socktech: Socktech;
  let browser: Browser;

  before(async () => {
    const flow = await testFlow({
      id: 'page-keyed',
      name: 'Keyed',
      trigger: { event: 'page.keyed' },
      actions: [{ id: 'ping', type: 'webhook', url: `${harness().webhooks.url}/keyed` }],
    });
    [socktech, browser] = await Promise.all([
      startSocktech([flow], {}, { apiKeys: ['page-key'] }),
      launchChromium(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await socktech?.stop();
  });

  it('asks for the key on 401, again for a wrong one, and keeps it for the tab', async () => {
    const page = await browser.newPage();
    await page.goto(socktech.url);
    const dialog = page.locator('dialog[open]');
    await dialog.getByText('needs a key').waitFor();
    await page.fill('#api-key', 'wrong-key');
    await page.press('#api-key', 'Enter');
    await dialog.getByText('not accepted').waitFor();
    await page.fill('#api-key', 'page-key');
    await page.press('#api-key', 'Enter');
    await page.locator('#flow option', { hasText: 'Keyed' }).waitFor({ state: 'attached' });
    assert.equal(await page.evaluate('sessionStorage.getItem("socktech.apiKey")'), 'page-key');

    await page.reload();
    await page.locator('#flow option', { hasText: 'Keyed' }).waitFor({ state: 'attached' });
    assert.equal(await dialog.count(), 0, 'no second question in the same tab');
    await page.close();
  });
});
