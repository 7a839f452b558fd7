import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Flow } from '../../src/flows/schema';
import { userHash } from '../../src/ingest/identity';
import { unsubscribeUrl } from '../../src/unsubscribeLink';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';

const key = 'unsubscribe-key';

describe('unsubscribing', () => {
  let socktech: Socktech;
  let flow: Flow;

  before(async () => {
    flow = await testFlow({
      id: 'newsletter',
      name: 'Newsletter',
      reentry: 'every-event',
      trigger: { event: 'newsletter' },
      actions: [
        { id: 'issue', type: 'sendEmail', subject: 'This week', body: '<p>News</p>' },
        { id: 'notify', type: 'webhook', url: '/newsletter', after: ['issue'] },
        {
          id: 'receipt',
          type: 'sendEmail',
          category: 'transactional',
          subject: 'Your receipt',
          body: '<p>Paid</p>',
          after: ['notify'],
        },
      ],
    });
    socktech = await startSocktech([flow], {}, { apiKeys: [key] });
  });
  after(() => socktech.stop());

  const api = (path: string, init: RequestInit = {}) =>
    fetch(socktech.url + path, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });

  const json = async (path: string, init?: RequestInit): Promise<any> =>
    (await api(path, init)).json();

  const runFor = async (email: string) => {
    const reply = await socktech.post(
      '/v1/events',
      { name: 'newsletter', email, id: randomUUID() },
      { authorization: `Bearer ${key}` },
    );
    const { workflowId } = reply.body.events[0].matched[0];
    await socktech.client.workflow.getHandle(workflowId).result();
    const run = await json(`/v1/runs/${encodeURIComponent(workflowId)}`);
    return run.nodes as { id: string; state: string; outcome?: string }[];
  };
  const subjectsTo = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.subject);

  it('from the link in an email: a page, then one click; marketing email stops, the run goes on', async () => {
    const email = `reader-${randomUUID()}@example.com`;
    await runFor(email);
    const [first] = (await harness().mail.messages()).filter((m) => m.to.includes(email));
    const link = /href="([^"]+\/unsubscribe\/[^"]+)"/.exec(first.html)![1];
    assert.ok(link.startsWith(`${socktech.url}/unsubscribe/`), link);

    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post"><button type="submit">Unsubscribe/);
    assert.equal((await json(`/v1/users/${email}/subscription`)).subscribed, true);

    // What a mail client's button sends (RFC 8058): a form, no API key, from another site.
    const click = await fetch(link, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://mail.example',
      },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(click.status, 200);
    assert.match(await click.text(), /You are unsubscribed/);

    const subscription = await json(`/v1/users/${email}/subscription`);
    assert.equal(subscription.subscribed, false);
    assert.deepEqual(
      { ...subscription.suppression, suppressedAt: undefined },
      { reason: 'unsubscribed', source: 'link', suppressedAt: undefined },
    );

    const nodes = await runFor(email);
    assert.deepEqual(
      nodes.map((n) => [n.id, n.state, n.outcome]),
      [
        ['issue', 'completed', 'suppressed'],
        ['notify', 'completed', undefined],
        ['receipt', 'completed', undefined],
      ],
    );
    await waitUntil(
      async () => (await subjectsTo(email)).length === 3,
      'the receipt of the second run',
    );
    assert.deepEqual((await subjectsTo(email)).sort(), [
      'This week',
      'Your receipt',
      'Your receipt',
    ]);
    const metrics = await (await fetch(`${socktech.url}/metrics`)).text();
    assert.match(metrics, /^socktech_emails_suppressed_total\{flow="newsletter"\} [1-9]/m);
  });

  it('takes email.bounced and email.complained events as suppressions', async () => {
    const [bounced, complained] = [
      `bounced-${randomUUID()}@example.com`,
      `complained-${randomUUID()}@example.com`,
    ];
    const reply = await socktech.post(
      '/v1/events',
      [
        { name: 'email.bounced', email: bounced, properties: { type: 'hard' } },
        { name: 'email.complained', email: complained },
      ],
      { authorization: `Bearer ${key}` },
    );
    assert.equal(reply.status, 202);

    for (const [email, reason] of [
      [bounced, 'bounced'],
      [complained, 'complained'],
    ]) {
      const { subscribed, suppression } = await json(`/v1/users/${email}/subscription`);
      assert.equal(subscribed, false);
      assert.equal(suppression.reason, reason);
      assert.equal(suppression.source, `email.${reason}`);
    }
    const nodes = await runFor(bounced);
    assert.equal(nodes[0].outcome, 'suppressed');
  });

  it('refuses a link that is not one (400), altered or made with another secret (403)', async () => {
    const h = harness();
    const hash = userHash(`forged-${randomUUID()}@example.com`);
    const genuine = unsubscribeUrl(socktech.url, h.secret, hash);
    const altered = genuine.replace(/.(?=$)/, (c) => (c === 'A' ? 'B' : 'A'));
    const otherHash = genuine.replace(hash, userHash('someone-else@example.com'));
    const foreign = unsubscribeUrl(socktech.url, randomBytes(32).toString('hex'), hash);
    const cases: [string, number][] = [
      [`${socktech.url}/unsubscribe/not-a-token`, 400],
      [`${genuine}x`, 400],
      [altered, 403],
      [otherHash, 403],
      [foreign, 403],
    ];
    for (const [url, status] of cases) {
      for (const method of ['GET', 'POST']) {
        const res = await fetch(url, { method });
        assert.equal(res.status, status, `${method} ${url}`);
        assert.match(await res.text(), status === 400 ? /not an unsubscribe link/ : /altered/);
      }
    }
    const list = await json('/v1/suppressions?pageSize=1000');
    assert.ok(!list.suppressions.some((s: { addressHash: string }) => s.addressHash === hash));
  });

  it('over the API: read, unsubscribe and subscribe again, naming the field at fault', async () => {
    const email = `api-${randomUUID()}@example.com`;
    const put = (body: unknown, who = email) =>
      api(`/v1/users/${encodeURIComponent(who)}/subscription`, {
        method: 'PUT',
        body: JSON.stringify(body),
      });

    const off: any = await (await put({ subscribed: false })).json();
    assert.equal(off.subscribed, false);
    assert.equal(off.suppression.source, 'api');
    const on: any = await (await put({ subscribed: true })).json();
    assert.deepEqual(on, { email, subscribed: true, suppression: null });

    const noEmail = await put({ subscribed: false }, 'not-an-email');
    assert.equal(noEmail.status, 400);
    assert.deepEqual(((await noEmail.json()) as any).problems, ['email: must be an email address']);
    const noField = await put({ subscribe: false });
    assert.equal(noField.status, 400);
    assert.deepEqual(((await noField.json()) as any).problems.sort(), [
      'subscribe: unknown field',
      'subscribed: Invalid input: expected boolean, received undefined',
    ]);
    assert.equal((await fetch(`${socktech.url}/v1/users/${email}/subscription`)).status, 401);
  });

  it('lists every suppression once, page by page', async () => {
    const emails = Array.from({ length: 5 }, () => `listed-${randomUUID()}@example.com`);
    for (const email of emails) {
      await api(`/v1/users/${email}/subscription`, {
        method: 'PUT',
        body: JSON.stringify({ subscribed: false }),
      });
    }

    const seen: string[] = [];
    const hashes: string[] = [];
    let token: string | undefined;
    do {
      const query = `pageSize=2${token ? `&pageToken=${token}` : ''}`;
      const page = await json(`/v1/suppressions?${query}`);
      assert.ok(page.suppressions.length <= 2);
      for (const s of page.suppressions as { address: string; addressHash: string }[]) {
        seen.push(s.address);
        hashes.push(s.addressHash);
      }
      token = page.nextPageToken;
    } while (token);
    assert.deepEqual(
      seen.filter((a) => emails.includes(a)),
      emails,
    );
    assert.equal(new Set(hashes).size, hashes.length);

    const bad = await api('/v1/suppressions?pageToken=bm9wZQ&pageSize=0');
    assert.equal(bad.status, 400);
    assert.deepEqual(((await bad.json()) as any).problems, [
      'pageSize: Too small: expected number to be >=1',
    ]);
    const foreign = await api('/v1/suppressions?pageToken=bm9wZQ');
    assert.equal(foreign.status, 400);
    assert.match(((await foreign.json()) as any).error, /pageToken is not a nextPageToken/);
  });
});
