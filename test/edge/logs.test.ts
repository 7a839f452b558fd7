import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { userHash } from '../../src/ingest/identity';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

describe('request logs', () => {
  let socktech: Socktech;
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });

  before(async () => {
    const flow = await testFlow({
      id: 'logged',
      name: 'Logged',
      trigger: { event: 'logged' },
      actions: [{ id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/logged` }],
    });
    socktech = await startSocktech([flow], {}, { log: pino({ level: 'debug' }, sink) });
  });
  after(() => socktech.stop());

  const lineOf = (reqId: string) => lines.find((l) => l.reqId === reqId && l.status);

  it('one JSON line per request: its id (given or made), the user hash and the workflow id', async () => {
    const email = 'Logged.Person@Example.com';
    const given = await socktech.post(
      '/v1/events',
      { name: 'logged', email },
      { 'X-Request-Id': 'req-42' },
    );
    assert.equal(given.status, 202);
    const line = lineOf('req-42');
    assert.equal(line.method, 'POST');
    assert.equal(line.path, '/v1/events');
    assert.equal(line.status, 202);
    assert.equal(line.user, userHash(email));
    assert.equal(line.workflowId, given.body.events[0].matched[0].workflowId);
    assert.equal(line.level, pino.levels.values.info);

    const made = await fetch(`${socktech.url}/healthz`, { headers: { 'X-Request-Id': 'a b\n' } });
    const id = made.headers.get('x-request-id')!;
    assert.match(id, /^[0-9a-f-]{36}$/, 'an unusable id is replaced');
    assert.equal(lineOf(id).path, '/healthz');
    assert.equal(lineOf(id).level, pino.levels.values.debug, 'reads, which the page polls');
  });

  it('never carries an email address, not even from a dropped Segment call', async () => {
    const email = 'dropped.person@example.com';
    await socktech.post('/v1/batch', {
      batch: [{ type: 'track', event: 'logged', properties: { email } }],
    });
    const dropped = lines.find((l) => l.msg === 'Segment call dropped');
    assert.deepEqual(dropped.problems, ['userId: userId or anonymousId is required']);
    assert.ok(dropped.reqId);
    const all = lines.map((l) => JSON.stringify(l)).join('\n');
    assert.doesNotMatch(all, /@example\.com/i);
  });
});
