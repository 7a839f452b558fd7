import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { harness } from '../harness/hooks';
import { startStoredSocktech, type StoredSocktech } from '../harness/storedFlows';
import { waitUntil } from '../harness/waitUntil';

const ARTIFACTS = 'test/artifacts';

function drawn(webhooks: string) {
  return {
    id: 'drawn',
    name: 'Drawn',
    trigger: { event: 'drawn.happened' },
    sample: { email: 'sample@example.com', properties: { plan: 'pro', name: 'Sam' } },
    actions: [
      { id: 'check', type: 'branch', where: { plan: 'pro' } },
      {
        id: 'pro_mail',
        type: 'sendEmail',
        after: ['check:true'],
        subject: 'Pro {{ properties.name }}',
        body: '<p>Pro</p>',
      },
      {
        id: 'basic_mail',
        type: 'sendEmail',
        after: ['check:false'],
        subject: 'Basic',
        body: '<p>Basic</p>',
      },
      { id: 'done', type: 'webhook', after: ['pro_mail'], url: `${webhooks}/drawn` },
    ],
  };
}

describe('the flow graph and editor in Chromium', () => {
  let api: StoredSocktech;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  const send = async (method: string, path: string, body?: unknown, version?: number) => {
    const res = await fetch(api.url + path, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(version && { 'if-match': `"${version}"` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return res.json() as Promise<any>;
  };
  const subjectsTo = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.subject);

  before(async () => {
    [api, browser] = await Promise.all([startStoredSocktech(), launchChromium()]);
    await send('POST', '/v1/flows', drawn(harness().webhooks.url));
    await send('POST', '/v1/flows/drawn/publish', undefined, 1);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await api?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1320, height: 1000 } });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(api.url);
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(errors, [], 'no script errors on the page');
  });

  const openInEditor = async (id: string) => {
    await page.locator(`#editor-flow option[value="${id}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#editor-flow', id);
    await page.locator('#editor-graph [data-node=done]').waitFor();
  };
  /** Each node of a drawn graph: its level, its top, and its classes. */
  const nodesOf = (graph: string) =>
    page.locator(`${graph} [data-node]`).evaluateAll((nodes) =>
      nodes.map((node) => ({
        id: node.getAttribute('data-node'),
        level: Number(node.getAttribute('data-level')),
        top: Number(/translate\([\d.]+ ([\d.]+)\)/.exec(node.getAttribute('transform') ?? '')?.[1]),
        classes: node.getAttribute('class'),
      })),
    );
  const editDefinition = async (edit: (definition: any) => void) => {
    const definition = JSON.parse(await page.inputValue('#editor-json'));
    edit(definition);
    await page.fill('#editor-json', JSON.stringify(definition, null, 2));
  };

  it('draws a flow as a graph: a row per level, parents above, edges with their labels', async () => {
    await openInEditor('drawn');

    const nodes = await nodesOf('#editor-graph');
    assert.deepEqual(
      nodes.map((n) => [n.id, n.level]),
      [
        ['trigger', 0],
        ['check', 1],
        ['pro_mail', 2],
        ['basic_mail', 2],
        ['done', 3],
      ],
    );
    const top = new Map(nodes.map((n) => [n.id, n.top]));
    assert.ok(top.get('trigger')! < top.get('check')!);
    assert.ok(top.get('check')! < top.get('pro_mail')!);
    assert.equal(top.get('pro_mail'), top.get('basic_mail'));
    assert.ok(top.get('basic_mail')! < top.get('done')!);
    const edges = await page
      .locator('#editor-graph .edge')
      .evaluateAll((edges) =>
        edges.map((e) =>
          `${e.getAttribute('data-from')}→${e.getAttribute('data-to')} ${e.querySelector('.edge-label')?.textContent ?? ''}`.trim(),
        ),
      );
    assert.deepEqual(edges.sort(), [
      'check→basic_mail false',
      'check→pro_mail true',
      'pro_mail→done',
      'trigger→check',
    ]);
    assert.match(
      (await page.locator('#editor-graph [data-node=trigger]').textContent()) ?? '',
      /drawn\.happened/,
    );
    await page.screenshot({ path: `${ARTIFACTS}/editor-flow-graph.png`, fullPage: true });
  });

  it("draws a run's timeline as the same graph, each node coloured by its state", async () => {
    const email = `drawn-${randomUUID()}@example.com`;
    const { events } = await send('POST', '/v1/events', {
      name: 'drawn.happened',
      email,
      properties: { plan: 'pro', name: 'Ada' },
    });
    const { workflowId } = events[0].matched[0];
    await api.socktech.client.workflow.getHandle(workflowId).result();

    await page.click('[role=tab][data-status=completed]');
    await page.locator('#runs tr', { hasText: email }).click();
    await page.locator('#run-graph [data-node=done]').waitFor();
    const states = await nodesOf('#run-graph');
    assert.deepEqual(
      states.map((n) => [n.id, n.classes]),
      [
        ['trigger', 'node root'],
        ['check', 'node state-completed'],
        ['pro_mail', 'node state-completed'],
        ['basic_mail', 'node state-skipped'],
        ['done', 'node state-completed'],
      ],
    );
    const colour = (id: string) =>
      page
        .locator(`#run-graph [data-node=${id}] rect`)
        .evaluate((rect) => rect.ownerDocument.defaultView?.getComputedStyle(rect).fill);
    assert.notEqual(await colour('pro_mail'), await colour('basic_mail'));
    await page.screenshot({ path: `${ARTIFACTS}/editor-run-graph.png`, fullPage: true });
  });

  it('edits a flow: problems at their node as you type, emails previewed, a test send, publish', async () => {
    await openInEditor('drawn');

    await editDefinition((d) => {
      d.actions[1].after = ['nowhere'];
      d.actions[1].subject = 'Welcome {{ properties.name }}';
    });
    await page.locator('#editor-graph [data-node=pro_mail].problem').waitFor();
    assert.match(await page.innerText('#editor-problems'), /pro_mail: unknown parent "nowhere"/);
    assert.match(
      (await page.locator('#editor-graph [data-node=pro_mail] title').textContent()) ?? '',
      /unknown parent "nowhere"/,
    );

    await editDefinition((d) => (d.actions[1].after = ['check:true']));
    await page.locator('#editor-previews h4', { hasText: 'Welcome Sam' }).waitFor();
    assert.equal(await page.locator('#editor-problems li').count(), 0);
    assert.equal(await page.locator('#editor-graph .problem').count(), 0);
    assert.match(await page.innerText('#editor-previews'), /To sample@example\.com/);
    assert.ok(await page.isDisabled('#test-send-button'), 'a test send waits for a save');

    await page.click('#editor-save');
    await page.locator('#editor-result', { hasText: 'Saved as version 2.' }).waitFor();
    const to = `tester-${randomUUID()}@example.com`;
    await page.selectOption('#test-node', 'pro_mail');
    await page.fill('#test-to', to);
    await page.click('#test-send-button');
    await page
      .locator('#test-result', { hasText: `Sent "[Test] Welcome Sam" to ${to}.` })
      .waitFor();
    await waitUntil(async () => (await subjectsTo(to)).length > 0, 'the test email');
    assert.deepEqual(await subjectsTo(to), ['[Test] Welcome Sam']);

    await page.click('#editor-publish');
    await page.locator('#editor-result', { hasText: 'Published version 2' }).waitFor();
    const email = `published-${randomUUID()}@example.com`;
    await send('POST', '/v1/events', {
      name: 'drawn.happened',
      email,
      properties: { plan: 'pro', name: 'Ada' },
    });
    await waitUntil(async () => (await subjectsTo(email)).length > 0, 'the published email');
    assert.deepEqual(await subjectsTo(email), ['Welcome Ada']);
    await page.screenshot({ path: `${ARTIFACTS}/editor-edited.png`, fullPage: true });
  });

  it('tells an editor whose version was saved over meanwhile, and keeps their text', async () => {
    await openInEditor('drawn');
    const { head } = await send('GET', '/v1/flows/drawn/draft');
    const theirs = drawn(harness().webhooks.url);
    await send('PUT', '/v1/flows/drawn/draft', theirs, head);

    await editDefinition((d) => (d.name = 'Mine'));
    await page.click('#editor-save');
    await page
      .locator('#editor-result', { hasText: `is at version ${head + 1}, not ${head}` })
      .waitFor();
    assert.equal(JSON.parse(await page.inputValue('#editor-json')).name, 'Mine');
    assert.equal((await send('GET', '/v1/flows/drawn/draft')).definition.name, 'Drawn');
  });

  it('creates a new flow from the page', async () => {
    await page.locator('#editor-flow option[value="drawn"]').waitFor({ state: 'attached' });
    await page.click('#editor-new');
    await editDefinition((d) => {
      d.id = 'from-page';
      d.name = 'From the page';
    });
    await page.locator('#editor-graph [data-node=hello]').waitFor();
    await page.click('#editor-publish');
    await page.locator('#editor-result', { hasText: 'Published version 1' }).waitFor();
    const { audit } = await send('GET', '/v1/flows/from-page/versions');
    assert.deepEqual(
      audit.map((a: any) => `${a.action} ${a.version}`),
      ['create 1', 'publish 1'],
    );
    assert.equal(await page.inputValue('#editor-flow'), 'from-page');
  });
});
