import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnApi, type ApiProcess } from '../../scripts/cluster/processes';
import { ConfigError, loadConfig, parseApiKey } from '../../src/config';
import { harness } from '../harness/hooks';
import { freshPostgresDatabase } from '../harness/postgres';
import { startStoredSocktech, type StoredSocktech } from '../harness/storedFlows';
import { waitUntil } from '../harness/waitUntil';

interface Reply {
  status: number;
  body: any;
  etag: string | null;
}

interface Call {
  body?: unknown;
  ifMatch?: string;
  key?: string | null;
}

/** One API call with a key (Ada's unless told), JSON both ways. */
async function call(base: string, method: string, route: string, c: Call = {}): Promise<Reply> {
  const key = c.key === undefined ? 'key-ada' : c.key;
  const res = await fetch(base + route, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key && { authorization: `Bearer ${key}` }),
      ...(c.ifMatch && { 'if-match': c.ifMatch }),
    },
    body: c.body === undefined ? undefined : JSON.stringify(c.body),
  });
  return { status: res.status, body: await res.json(), etag: res.headers.get('etag') };
}

const keys = ['ada:key-ada', 'bob:key-bob'];

function welcome(id: string, subject = 'Hello {{ properties.name }}') {
  return {
    id,
    name: `Welcome ${id}`,
    trigger: { event: `${id}.signup` },
    sample: { email: 'sample@example.com', properties: { name: 'Sam' } },
    actions: [
      { id: 'pause', type: 'delay', duration: '1s' },
      { id: 'hello', type: 'sendEmail', after: ['pause'], subject, body: '<p>Hi</p>' },
    ],
  };
}

describe('flows in the store, over the API', () => {
  let api: StoredSocktech;
  const send = (method: string, route: string, c?: Call) => call(api.url, method, route, c);
  const event = async (name: string, email: string, properties: object = { name: 'Ada' }) => {
    const { status, body } = await send('POST', '/v1/events', {
      body: { name, email, properties },
    });
    assert.equal(status, 202, JSON.stringify(body));
    return (body.events[0].matched as Array<{ flowId: string; outcome: string }>).map(
      (m) => `${m.flowId} ${m.outcome}`,
    );
  };
  const subjectsTo = async (email: string) =>
    (await harness().mail.messages()).filter((m) => m.to.includes(email)).map((m) => m.subject);
  /** Creates and publishes a flow; resolves with its head version. */
  const published = async (definition: { id: string }) => {
    const created = await send('POST', '/v1/flows', { body: definition });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const done = await send('POST', `/v1/flows/${definition.id}/publish`, {
      ifMatch: created.etag!,
    });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    return done.body.head as number;
  };

  before(async () => {
    api = await startStoredSocktech({ apiKeys: keys });
  });
  after(() => api?.stop());

  it('matches a flow created and published over the API with the next event, no restart', async () => {
    const email = `created-${randomUUID()}@example.com`;
    assert.deepEqual(await event('created.signup', email), []);

    const created = await send('POST', '/v1/flows', { body: welcome('created') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.etag, '"1"');
    const { updatedAt, ...draft } = created.body;
    assert.ok(Math.abs(Date.parse(updatedAt) - Date.now()) < 60_000);
    assert.deepEqual(draft, {
      id: 'created',
      name: 'Welcome created',
      head: 1,
      published: null,
      archived: false,
      definition: welcome('created'),
      problems: [],
    });
    assert.deepEqual(await event('created.signup', email), [], 'a draft starts nothing');

    const publish = await send('POST', '/v1/flows/created/publish', { ifMatch: '"1"' });
    assert.equal(publish.status, 200, JSON.stringify(publish.body));
    assert.deepEqual([publish.body.published, publish.etag], [1, '"1"']);
    assert.deepEqual(await event('created.signup', email), ['created started']);
    await waitUntil(async () => (await subjectsTo(email)).length > 0, 'the email');
    assert.deepEqual(await subjectsTo(email), ['Hello Ada']);

    const list = await send('GET', '/v1/flows');
    assert.ok(list.body.flows.some((f: { id: string }) => f.id === 'created'));
    assert.deepEqual(
      list.body.stored.map((f: { id: string; head: number }) => [f.id, f.head]),
      [['created', 1]],
    );
  });

  it('keeps a run on the version it started with, and starts the next event on the new one', async () => {
    const head = await published(welcome('inflight', 'Old'));
    const first = `inflight-1-${randomUUID()}@example.com`;
    const second = `inflight-2-${randomUUID()}@example.com`;
    // The first run waits a second before its email: the new version is published meanwhile.
    assert.deepEqual(await event('inflight.signup', first), ['inflight started']);
    const saved = await send('PUT', '/v1/flows/inflight/draft', {
      body: welcome('inflight', 'New'),
      ifMatch: `"${head}"`,
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    await send('POST', '/v1/flows/inflight/publish', { ifMatch: saved.etag! });
    assert.deepEqual(await event('inflight.signup', second), ['inflight started']);

    await waitUntil(
      async () => (await subjectsTo(first)).length + (await subjectsTo(second)).length === 2,
      'both emails',
    );
    assert.deepEqual(await subjectsTo(first), ['Old']);
    assert.deepEqual(await subjectsTo(second), ['New']);
  });

  it('refuses a change based on a stale version with 412, and one without If-Match with 428', async () => {
    await published(welcome('editors'));
    const read = await send('GET', '/v1/flows/editors/draft');
    assert.equal(read.etag, '"1"');

    const ada = await send('PUT', '/v1/flows/editors/draft', {
      body: welcome('editors', "Ada's"),
      ifMatch: read.etag!,
    });
    assert.deepEqual([ada.status, ada.etag], [200, '"2"']);
    const bob = await send('PUT', '/v1/flows/editors/draft', {
      body: welcome('editors', "Bob's"),
      ifMatch: read.etag!,
      key: 'key-bob',
    });
    assert.equal(bob.status, 412);
    assert.match(bob.body.error, /flow "editors" is at version 2, not 1: it was saved meanwhile/);
    assert.equal((await send('POST', '/v1/flows/editors/publish', { ifMatch: '"1"' })).status, 412);
    const kept = await send('GET', '/v1/flows/editors/draft');
    assert.equal(kept.body.definition.actions[1].subject, "Ada's");

    const unconditional = await send('PUT', '/v1/flows/editors/draft', {
      body: welcome('editors', 'Mine'),
    });
    assert.equal(unconditional.status, 428);
    assert.match(unconditional.body.error, /If-Match is needed/);
    const malformed = await send('POST', '/v1/flows/editors/publish', { ifMatch: 'latest' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body.problems, [
      'If-Match: must be a version, as an ETag gives it: "3"',
    ]);
    const renamed = await send('PUT', '/v1/flows/editors/draft', {
      body: welcome('renamed'),
      ifMatch: '"2"',
    });
    assert.equal(renamed.status, 400);
    assert.match(renamed.body.problems[0], /^id: must be "editors"/);
    const twice = await send('POST', '/v1/flows', { body: welcome('editors') });
    assert.equal(twice.status, 409);
  });

  it('publishes only a valid draft: 422 listing every problem by field, a cycle by its path', async () => {
    const broken = {
      id: 'broken',
      trigger: { event: 'broken.signup' },
      actions: [
        { id: 'a', type: 'sendEmail', after: ['c'], subject: 'A', body: 'a' },
        { id: 'b', type: 'delay', after: ['a'], duration: 'soon' },
        { id: 'c', type: 'webhook', after: ['b'], url: '/c', retry: { maximumAttempts: -1 } },
      ],
    };
    const created = await send('POST', '/v1/flows', { body: broken });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.problems, [
      { message: 'missing field "name"' },
      {
        node: 'b',
        message:
          'duration: "soon" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
      },
      { node: 'c', message: 'retry.maximumAttempts: must be 0 (unlimited) or more' },
      { node: 'c', message: 'cycle: c → a → b → c' },
    ]);
    const refused = await send('POST', '/v1/flows/broken/publish', { ifMatch: '"1"' });
    assert.equal(refused.status, 422);
    assert.equal(
      refused.body.error,
      'version 1 of flow "broken" is not valid: nothing was published',
    );
    assert.deepEqual(refused.body.problems, [
      'missing field "name"',
      'action "b": duration: "soon" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
      'action "c": retry.maximumAttempts: must be 0 (unlimited) or more',
      'action "c": cycle: c → a → b → c',
    ]);
    assert.equal((await send('GET', '/v1/flows/broken')).status, 404);
    assert.match(
      (await send('GET', '/v1/flows/broken')).body.error,
      /not published \(its draft: GET \/v1\/flows\/broken\/draft\)/,
    );
    const notAFlow = await send('POST', '/v1/flows', { body: { id: 'no spaces', name: 'x' } });
    assert.equal(notAFlow.status, 400);
    assert.deepEqual(notAFlow.body.problems, ['id: must use only letters, digits, "_" and "-"']);
  });

  it('lists versions with who made each, rolls back, archives, and names API keys in the audit', async () => {
    const head = await published(welcome('audited', 'First'));
    const saved = await send('PUT', '/v1/flows/audited/draft', {
      body: welcome('audited', 'Second'),
      ifMatch: `"${head}"`,
      key: 'key-bob',
    });
    await send('POST', '/v1/flows/audited/publish', { ifMatch: saved.etag!, key: 'key-bob' });
    const email = () => `audited-${randomUUID()}@example.com`;

    const missing = await send('POST', '/v1/flows/audited/rollback', {
      body: { version: 9 },
      ifMatch: '"2"',
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.problems, [
      'version: flow "audited" has no version 9 (its versions are 1 to 2)',
    ]);
    const back = await send('POST', '/v1/flows/audited/rollback', {
      body: { version: 1 },
      ifMatch: '"2"',
    });
    assert.deepEqual([back.status, back.body.head, back.body.published], [200, 3, 3]);
    const rolledBack = email();
    assert.deepEqual(await event('audited.signup', rolledBack), ['audited started']);

    const archived = await send('POST', '/v1/flows/audited/archive', { ifMatch: '"3"' });
    assert.deepEqual([archived.status, archived.body.archived], [200, true]);
    assert.deepEqual(await event('audited.signup', email()), [], 'an archived flow starts nothing');

    const { status, body } = await send('GET', '/v1/flows/audited/versions');
    assert.equal(status, 200);
    assert.deepEqual(
      body.versions.map((v: any) => [v.version, v.createdBy, v.rollbackOf]),
      [
        [3, 'ada', 1],
        [2, 'bob', null],
        [1, 'ada', null],
      ],
    );
    assert.deepEqual(
      body.audit.map((a: any) => `${a.actor} ${a.action} ${a.version}`),
      [
        'ada create 1',
        'ada publish 1',
        'bob draft 2',
        'bob publish 2',
        'ada rollback 3',
        'ada archive 3',
      ],
    );
    await waitUntil(async () => (await subjectsTo(rolledBack)).length > 0, 'the email');
    assert.deepEqual(await subjectsTo(rolledBack), ['First']);
  });

  it('checks an unsaved flow: its problems, and its emails rendered with the sample', async () => {
    const good = await send('POST', '/v1/flows/check', { body: welcome('checked') });
    assert.deepEqual(good.body, {
      ok: true,
      problems: [],
      emails: [
        { node: 'hello', to: 'sample@example.com', subject: 'Hello Sam', html: '<p>Hi</p>' },
      ],
    });
    const bad = await send('POST', '/v1/flows/check', {
      body: { ...welcome('checked', 'Hi {{ properties.plan }}') },
    });
    assert.equal(bad.body.ok, false);
    assert.match(
      bad.body.problems[0].message,
      /subject: fails on the sample: undefined variable: properties.plan/,
    );
    assert.equal(bad.body.problems[0].node, 'hello');
    assert.equal((await send('POST', '/v1/flows/check', { body: [] })).status, 400);
  });

  it('sends one test email, rendered with the sample, to the one address typed', async () => {
    const definition = {
      ...welcome('tested'),
      actions: [
        {
          id: 'hello',
          type: 'sendEmail',
          to: 'boss@example.com',
          subject: 'Hello {{ properties.name }}',
          body: '<p>Hi {{ properties.name }}</p>',
        },
        { id: 'crm', type: 'webhook', url: '/crm' },
      ],
    };
    await send('POST', '/v1/flows', { body: definition });
    const to = `tester-${randomUUID()}@example.com`;

    const sent = await send('POST', '/v1/flows/tested/test-send', { body: { node: 'hello', to } });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual([sent.body.to, sent.body.subject], [to, '[Test] Hello Sam']);
    await waitUntil(async () => (await subjectsTo(to)).length > 0, 'the test email');
    const [message] = (await harness().mail.messages()).filter((m) => m.to.includes(to));
    assert.deepEqual(message.to, [to]);
    assert.equal(message.html.trim(), '<p>Hi Sam</p>');
    assert.equal(message.headers['x-socktech-test-send'], 'tested/hello');
    assert.deepEqual(await subjectsTo('boss@example.com'), []);

    const two = await send('POST', '/v1/flows/tested/test-send', {
      body: { node: 'hello', to: `${to}, other@example.com` },
    });
    assert.deepEqual([two.status, two.body.problems], [400, ['to: must be one email address']]);
    const webhook = await send('POST', '/v1/flows/tested/test-send', { body: { node: 'crm', to } });
    assert.deepEqual(webhook.body.problems, ['node: "crm" is a webhook action, not an email']);
    const anonymous = await send('POST', '/v1/flows/tested/test-send', {
      body: { node: 'hello', to },
      key: null,
    });
    assert.equal(anonymous.status, 401);
  });
});

describe('API key names, for the audit', () => {
  it('reads name:key, names a bare key by a fingerprint, and refuses a malformed name', () => {
    assert.deepEqual(parseApiKey('ada:s3cret:with-colon'), {
      name: 'ada',
      key: 's3cret:with-colon',
    });
    assert.match(parseApiKey('s3cret').name, /^key-[0-9a-f]{8}$/);
    assert.equal(parseApiKey('s3cret').key, 's3cret');
    assert.deepEqual(loadConfig({ SOCKTECH_API_KEYS: 'ada:k1, k2' }).http.apiKeys, [
      'ada:k1',
      'k2',
    ]);
    for (const entry of ['two words:k3y-x', 'ada:', ':k3y-x']) {
      assert.throws(
        () => loadConfig({ SOCKTECH_API_KEYS: entry }),
        (err: Error) => {
          assert.ok(err instanceof ConfigError);
          assert.match(err.message, /an entry with a colon is name:key/);
          assert.ok(!/k3y-x|ada/.test(err.message), 'the entry, maybe a key, is not echoed');
          return true;
        },
      );
    }
  });
});

describe('flows in the store, with two API processes', function () {
  this.timeout(120_000);
  const flowsDir = mkdtempSync(path.join(tmpdir(), 'socktech-two-apis-'));
  const taskQueue = `two-apis-${randomUUID()}`;
  let apis: ApiProcess[] = [];
  const started: string[] = [];

  before(async () => {
    writeFileSync(path.join(flowsDir, 'from-file.json'), JSON.stringify(welcome('from-file')));
    const env = {
      TEMPORAL_ADDRESS: harness().address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: await freshPostgresDatabase(),
      FLOWS_DIR: flowsDir,
      SOCKTECH_API_KEYS: keys.join(','),
      SOCKTECH_SECRET: 'two-apis-secret-two-apis-secret-two-apis',
    };
    apis = await Promise.all([spawnApi(env), spawnApi(env)]);
  });
  after(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    // No worker serves the task queue: the runs started here would wait forever.
    const client = harness().env.client;
    await Promise.all(
      started.map((id) =>
        client.workflow
          .getHandle(id)
          .terminate()
          .catch(() => {}),
      ),
    );
    rmSync(flowsDir, { recursive: true, force: true });
  });

  const event = async (api: ApiProcess, name: string, properties: object = { name: 'Ada' }) => {
    const email = `two-apis-${randomUUID()}@example.com`;
    const { body } = await call(api.url, 'POST', '/v1/events', {
      body: { name, email, properties },
    });
    const matched = body.events[0].matched as Array<{ outcome: string; workflowId: string }>;
    started.push(...matched.filter((m) => m.outcome === 'started').map((m) => m.workflowId));
    return matched.map((m) => m.outcome);
  };

  it('imports the flow files once, however many processes start together', async () => {
    const { body } = await call(apis[0].url, 'GET', '/v1/flows/from-file/versions');
    assert.deepEqual(
      body.audit.map((a: any) => `${a.action} ${a.version} ${a.actor}`),
      [`import 1 ${path.join(flowsDir, 'from-file.json')}`],
    );
    for (const api of apis) assert.deepEqual(await event(api, 'from-file.signup'), ['started']);
  });

  it('matches a flow published on one process in the other within a second', async () => {
    const created = await call(apis[0].url, 'POST', '/v1/flows', { body: welcome('shared') });
    const publish = await call(apis[0].url, 'POST', '/v1/flows/shared/publish', {
      ifMatch: created.etag!,
    });
    assert.equal(publish.status, 200);
    const publishedAt = Date.now();
    assert.deepEqual(await event(apis[0], 'shared.signup'), ['started'], 'at once where published');
    await waitUntil(
      async () => (await event(apis[1], 'shared.signup')).includes('started'),
      'the other process to match the new flow',
      1_000,
    );
    const firstMs = Date.now() - publishedAt;

    // Version 2 only takes pro users: the first process must stop starting Ada's runs.
    const filtered = {
      ...welcome('shared'),
      trigger: { event: 'shared.signup', where: { plan: 'pro' } },
      sample: { email: 'sample@example.com', properties: { name: 'Sam', plan: 'pro' } },
    };
    const saved = await call(apis[1].url, 'PUT', '/v1/flows/shared/draft', {
      body: filtered,
      ifMatch: publish.etag!,
      key: 'key-bob',
    });
    const republish = await call(apis[1].url, 'POST', '/v1/flows/shared/publish', {
      ifMatch: saved.etag!,
      key: 'key-bob',
    });
    assert.equal(republish.status, 200, JSON.stringify(republish.body));
    const republishedAt = Date.now();
    await waitUntil(
      async () => (await event(apis[0], 'shared.signup')).includes('filtered'),
      'the first process to run version 2',
      1_000,
    );
    const secondMs = Date.now() - republishedAt;
    console.log(
      `      a publish reached the other API process in ${firstMs} ms and ${secondMs} ms`,
    );
  });
});
