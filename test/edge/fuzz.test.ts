import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { routesOfTheApp, sendRaw, type Route } from '../harness/routes';
import { startSocktech, type Socktech } from '../harness/socktech';

const key = 'fuzz-key';
const REQUESTS = 2_500;
const RSS_GROWTH_MB = 150;

interface HostileRequest {
  method: string;
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const agent = new Agent({ keepAlive: true });

// What node:http lets a header value or a request target hold.
const headerText = (maxLength: number) =>
  fc
    .string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength,
    })
    .map((text) => text.trim());
const junk = fc.string({ unit: 'binary', maxLength: 60 });
const percentJunk = fc.constantFrom(
  '%',
  '%zz',
  '%E0%A4%A',
  '%00',
  '%FF%FE',
  '%C0%AF',
  '..',
  '%2F..%2F',
);
const urlText = fc.oneof(
  junk.map(encodeURIComponent),
  percentJunk,
  fc.constantFrom('', '-1', '0', '1e400', 'NaN', 'true', 'null', '[]', 'x'.repeat(5_000)),
);

/** Any route, but mostly those that take a body. */
function target(routes: Route[], writes: Route[], workflowIds: string[]) {
  const segment = fc.oneof(urlText, fc.constantFrom(...workflowIds));
  const name = fc.oneof(
    fc.constantFrom('runId', 'pageSize', 'pageToken', 'status', 'flowId', 'email', 'runId[]'),
    urlText,
  );
  const query = fc.oneof(
    fc
      .array(fc.tuple(name, urlText), { maxLength: 6 })
      .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
    headerText(200).map(encodeURI),
  );
  return fc
    .record({
      route: fc.oneof(fc.constantFrom(...routes), fc.constantFrom(...writes)),
      params: fc.array(segment, { minLength: 2, maxLength: 2 }),
      query: fc.option(query, { freq: 2 }),
    })
    .map(({ route, params, query }) => {
      let i = 0;
      const path = route.path.replace(/:\w+/g, () => params[i++]);
      return { route, target: query === null ? path : `${path}?${query}` };
    });
}

const headers = fc.record(
  {
    'content-type': fc.oneof(
      { weight: 4, arbitrary: fc.constant('application/json') },
      fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/vnd.api+json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        ';;;',
      ),
      headerText(60),
    ),
    authorization: fc.oneof(
      { weight: 12, arbitrary: fc.constant(`Bearer ${key}`) },
      fc.constant(`Basic ${Buffer.from(`${key}:`).toString('base64')}`),
      fc.constantFrom('Bearer', 'Basic', 'Basic !!!', 'Bearer  ', 'Digest x'),
      fc.uint8Array({ maxLength: 40 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`),
      headerText(100),
    ),
    'idempotency-key': headerText(300),
    'x-request-id': headerText(300),
  },
  { requiredKeys: ['content-type', 'authorization'] },
);

const json = fc.jsonValue({ maxDepth: 6 });
// Mostly near the limit of 32 levels, where a body gets through to zod and Temporal.
const depth = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20_000 }));
const nested = fc
  .record({ depth, open: fc.constantFrom('[', '{"a":') })
  .map(({ depth, open }) => open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth));
const hugeNumber = fc.constantFrom(
  '1e999999',
  '-1e400',
  '9'.repeat(400),
  `0.${'1'.repeat(100_000)}`,
  '{"name":"fuzz","email":"n@example.com","properties":{"n":1e400,"m":-0,"k":123456789012345678901234567890}}',
);
const email = fc.oneof(fc.constantFrom('fuzz@example.com', 'other@example.com'), json);
const event = fc.record(
  {
    name: fc.oneof(fc.constant('fuzz'), json),
    email,
    id: json,
    properties: json,
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      json,
    ),
  },
  { requiredKeys: [] },
);
const call = fc.record(
  {
    type: fc.oneof(fc.constantFrom('track', 'identify', 'page'), json),
    event: fc.oneof(fc.constant('fuzz'), json),
    userId: json,
    anonymousId: json,
    messageId: json,
    properties: json,
    context: fc.oneof(fc.record({ traits: fc.record({ email }) }), json),
    timestamp: json,
  },
  { requiredKeys: [] },
);

const text = fc.oneof(
  json.map((value) => JSON.stringify(value)),
  event.map((e) => JSON.stringify(e)),
  fc.array(event, { maxLength: 5 }).map((events) => JSON.stringify(events)),
  call.map((c) => JSON.stringify(c)),
  fc.oneof(fc.array(call, { maxLength: 5 }), json).map((batch) => JSON.stringify({ batch })),
  nested,
  nested.map((deep) => `{"name":"fuzz","email":"fuzz@example.com","properties":{"deep":${deep}}}`),
  nested.map(
    (deep) => `{"batch":[{"type":"track","event":"fuzz","userId":"u","properties":${deep}}]}`,
  ),
  hugeNumber,
  junk,
);

interface Payload {
  body: Buffer;
  encoding?: string;
}

const bomb = gzipSync(Buffer.alloc(3_000_000, ' '));
const encodings = fc.constantFrom(
  'gzip',
  'deflate',
  'br',
  'identity',
  'GZIP',
  'x-gzip',
  'gzip, gzip',
  'zstd',
);

/** Mostly what it says it is; else bytes that are not what their Content-Encoding says. */
const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 8, arbitrary: text.map((t) => ({ body: Buffer.from(t) })) },
  { weight: 2, arbitrary: text.map((t) => ({ body: gzipSync(t), encoding: 'gzip' })) },
  text.map((t) => ({ body: deflateSync(t), encoding: 'deflate' })),
  text.map((t) => ({ body: brotliCompressSync(t), encoding: 'br' })),
  text.map((t) => ({ body: gzipSync(t).subarray(0, 12), encoding: 'gzip' })),
  fc.record({
    body: fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from([0x1f, 0x8b, 8, 0, ...b])),
    encoding: fc.oneof(encodings, headerText(30)),
  }),
  fc.record({
    body: fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
    encoding: fc.option(encodings, { nil: undefined }),
  }),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
    body: Buffer.concat([Buffer.from('{"name":"fuzz","email":"'), bytes, Buffer.from('"}')]),
  })),
  fc.constantFrom({ body: bomb, encoding: 'gzip' }, { body: Buffer.alloc(1_100_000, ' ') }),
);

describe('hostile requests to every route', () => {
  let socktech: Socktech;
  let base: URL;
  const routes = routesOfTheApp();
  const workflowIds: string[] = [];

  before(async () => {
    const flow = await testFlow({
      id: 'fuzz',
      name: 'Fuzz',
      trigger: { event: 'fuzz' },
      actions: [{ id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/fuzz` }],
    });
    socktech = await startSocktech([flow], {}, { apiKeys: [key] });
    base = new URL(socktech.url);
    const started = await socktech.post(
      '/v1/events',
      { name: 'fuzz', email: 'started@example.com' },
      { authorization: `Bearer ${key}` },
    );
    workflowIds.push(started.body.events[0].matched[0].workflowId);
  });
  after(async () => {
    agent.destroy();
    await socktech.stop();
  });

  it('never answers 5xx, stays healthy and gives its memory back', async function () {
    this.timeout(120_000);
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    const writes = routes.filter((r) => r.method === 'POST');
    // One request in twenty is a well-formed event, so the run always shows good traffic
    // getting through (202) between the hostile requests, not only when chance builds one.
    const wellFormed = fc
      .record({ id: fc.uuid(), email: fc.constantFrom('fuzz@example.com', 'other@example.com') })
      .map(({ id, email }): HostileRequest => ({
        method: 'POST',
        target: '/v1/events',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: Buffer.from(JSON.stringify({ name: 'fuzz', email, id })),
      }));
    const mangled = fc
      .record({
        at: target(routes, writes, workflowIds),
        otherMethod: fc.oneof(
          { weight: 9, arbitrary: fc.constant(null) },
          fc.constantFrom('GET', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'),
        ),
        headers,
        payload: fc.option(payload, { freq: 8 }),
      })
      .map(({ at, otherMethod, headers, payload }): HostileRequest => {
        const sent: Record<string, string> = { ...headers };
        if (payload?.encoding) sent['content-encoding'] = payload.encoding;
        return {
          method: otherMethod ?? at.route.method,
          target: at.target,
          headers: sent,
          body: payload?.body,
        };
      });
    const hostile = fc.oneof(
      { weight: 19, arbitrary: mangled },
      { weight: 1, arbitrary: wellFormed },
    );

    const statuses = new Set<number>();
    const rssBefore = process.memoryUsage().rss;
    await fc.assert(
      fc.asyncProperty(hostile, async (r) => {
        const { status, body } = await sendRaw(base, r, agent);
        statuses.add(status);
        assert.ok(status < 500, `${r.method} ${r.target} → ${status} ${body}`);
      }),
      { numRuns: REQUESTS },
    );
    const growthMb = (process.memoryUsage().rss - rssBefore) / 1024 ** 2;

    // The requests got past the key and the body checks to the handlers, and some all the way.
    for (const status of [200, 202, 400, 401, 404, 413, 415]) {
      assert.ok(statuses.has(status), `no request was answered ${status}`);
    }
    assert.equal((await fetch(`${socktech.url}/healthz`)).status, 200);
    assert.ok(growthMb < RSS_GROWTH_MB, `RSS grew by ${growthMb.toFixed(0)} MB`);
  });
});
