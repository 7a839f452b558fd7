import assert from 'node:assert/strict';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

const compress = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
type Encoding = keyof typeof compress;
const encodings = Object.keys(compress) as Encoding[];

/** `[[[...]]]` as text, `depth` levels deep, without building it first. */
const nested = (depth: number, inside = '1') => '['.repeat(depth) + inside + ']'.repeat(depth);

describe('request bodies', () => {
  let socktech: Socktech;
  const event = { name: 'bodies', email: 'bodies@example.com' };

  before(async () => {
    const flow = await testFlow({
      id: 'bodies',
      name: 'Bodies',
      reentry: 'every-event',
      trigger: { event: event.name },
      actions: [{ id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/bodies` }],
    });
    socktech = await startSocktech([flow]);
  });
  after(() => socktech.stop());

  const send = async (
    path: string,
    body: string | Buffer | ReadableStream | undefined,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(socktech.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('reads gzip, deflate and br bodies', async () => {
    for (const encoding of encodings) {
      const body = compress[encoding](JSON.stringify({ ...event, properties: { encoding } }));
      const res = await send('/v1/events', body, { 'content-encoding': encoding });
      assert.equal(res.status, 202, encoding);
    }
  });

  it('answers 400 to a body that is not in its Content-Encoding, naming the encoding', async () => {
    const json = JSON.stringify(event);
    for (const encoding of encodings) {
      const whole = compress[encoding](json);
      const bodies = {
        garbage: Buffer.from('definitely not compressed \x00\xff\x13'),
        truncated: whole.subarray(0, whole.length - 4),
        'plain JSON': Buffer.from(json),
      };
      for (const [what, body] of Object.entries(bodies)) {
        for (const path of ['/v1/events', '/v1/track', '/v1/batch']) {
          const res = await send(path, body, { 'content-encoding': encoding });
          assert.equal(res.status, 400, `${encoding}, ${what}, ${path}`);
          assert.match(res.body.error, new RegExp(`\\b${encoding}\\b`));
        }
      }
    }
  });

  it('answers 415 to a Content-Encoding it does not know, naming those it does', async () => {
    for (const encoding of ['zstd', 'constructor', '__proto__']) {
      const res = await send('/v1/events', JSON.stringify(event), { 'content-encoding': encoding });
      assert.equal(res.status, 415, encoding);
      assert.match(res.body.error, new RegExp(`"${encoding}".*gzip, deflate, br`));
    }
  });

  it('answers 413 to a body over 1 MB, on the wire or once inflated', async () => {
    const big = JSON.stringify({ ...event, properties: { pad: ' '.repeat(1_100_000) } });
    const bomb = gzipSync(big);
    assert.ok(bomb.length < 10_000, 'small on the wire');
    const inflated = await send('/v1/events', bomb, { 'content-encoding': 'gzip' });
    assert.equal(inflated.status, 413);
    assert.match(inflated.body.error, /1 MB/);

    // Chunked, without a Content-Length to refuse it by: the limit holds as it is read.
    const chunks = Array.from({ length: 20 }, () => new TextEncoder().encode(' '.repeat(64_000)));
    const stream = new ReadableStream({
      pull(controller) {
        const chunk = chunks.pop();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await send('/v1/events', stream);
    assert.equal(streamed.status, 413);
    assert.match(streamed.body.error, /1 MB/);
  });

  it('refuses nesting deeper than 32 levels with a 400 naming the limit, however deep', async () => {
    const deep = (depth: number) =>
      `{"name":"bodies","email":"a@example.com","properties":{"x":${nested(depth - 2)}}}`;
    assert.equal((await send('/v1/events', deep(32))).status, 202, '32 levels are fine');
    const cases: [string, string][] = [
      ['/v1/events', deep(33)],
      ['/v1/events', deep(4_500)],
      ['/v1/events', nested(4_500)],
      [
        '/v1/track',
        `{"type":"track","event":"bodies","userId":"u","properties":{"x":${nested(4_500)}}}`,
      ],
      ['/v1/batch', `{"batch":[${nested(10_000, '{}')}]}`],
      [
        '/v1/batch',
        `{"batch":[{"type":"track","event":"bodies","userId":"u","properties":${nested(10_000, '{}')}}]}`,
      ],
    ];
    for (const [path, body] of cases) {
      const res = await send(path, body);
      assert.equal(res.status, 400, `${path} ${body.slice(0, 60)}`);
      assert.match(res.body.error, /32 levels/);
    }
  });

  it('answers 400 to a body that is not UTF-8, or not JSON', async () => {
    const latin1 = Buffer.from('{"name":"bodies","email":"caf\xe9@example.com"}', 'latin1');
    const notUtf8 = await send('/v1/events', latin1);
    assert.equal(notUtf8.status, 400);
    assert.match(notUtf8.body.error, /UTF-8/);
    const notJson = await send('/v1/events', '{"name":');
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.error, /JSON/);
  });

  it('wants JSON on /v1/events and /v1/flows/:id/trigger: 415 naming the type', async () => {
    for (const path of ['/v1/events', '/v1/flows/bodies/trigger']) {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await send(path, JSON.stringify(event), { 'content-type': type });
        assert.equal(res.status, 415, `${path} ${type}`);
        assert.match(res.body.error, /Content-Type: application\/json/);
      }
    }
    const typed = await send('/v1/events', JSON.stringify(event), {
      'content-type': 'application/json; charset=utf-8',
    });
    assert.equal(typed.status, 202);
  });

  it('names the field of a wrong type, and the index of the event in a batch', async () => {
    const single = await send('/v1/events', JSON.stringify({ ...event, name: 5 }));
    assert.equal(single.status, 400);
    assert.deepEqual(
      single.body.problems.map((p: string) => p.split(':')[0]),
      ['name'],
    );
    const batch = await send('/v1/events', JSON.stringify([event, { ...event, email: 5 }]));
    assert.equal(batch.status, 400);
    assert.deepEqual(
      batch.body.problems.map((p: string) => p.split(':')[0]),
      ['1.email'],
    );
    const unknown = await send('/v1/events', JSON.stringify({ ...event, nmae: 'x' }));
    assert.deepEqual(unknown.body.problems, ['nmae: unknown field']);
    const query = await fetch(`${socktech.url}/v1/runs?statsu=running`);
    assert.equal(query.status, 400);
    assert.deepEqual(((await query.json()) as any).problems, ['statsu: unknown field']);
    for (const body of [undefined, '"an event"', 'null']) {
      const res = await send('/v1/events', body);
      assert.equal(res.status, 400, String(body));
      assert.match(res.body.problems[0], /^\(body\): .*an event.*or an array of events/);
    }
  });

  it('answers 400 to a runId that is not one, naming it', async () => {
    const res = await fetch(`${socktech.url}/v1/runs/anything?runId=abc`);
    assert.equal(res.status, 400);
    const body = (await res.json()) as any;
    assert.match(body.problems[0], /^runId: /);
  });
});
