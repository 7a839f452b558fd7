import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exposure } from '../../src/api/auth';
import { ConfigError, loadConfig } from '../../src/config';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';

describe('API keys', () => {
  let socktech: Socktech;
  const event = { name: 'auth.checked', email: 'keys@example.com' };

  before(async () => {
    const flow = await testFlow({
      id: 'auth',
      name: 'Auth',
      trigger: { event: event.name },
      actions: [{ id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/auth` }],
    });
    socktech = await startSocktech([flow], {}, { apiKeys: ['key-one', 'key-two'] });
  });
  after(() => socktech.stop());

  it('answers 401 on /v1 without a key, or with an unknown one, saying what to send', async () => {
    const none = await socktech.post('/v1/events', event);
    assert.equal(none.status, 401);
    assert.match(none.body.error, /Authorization: Bearer <key>/);
    const unknown = await socktech.post('/v1/events', event, { authorization: 'Bearer key-three' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.error, 'unknown API key');
    const list = await fetch(`${socktech.url}/v1/flows`);
    assert.equal(list.status, 401);
    assert.equal(list.headers.get('www-authenticate'), 'Bearer realm="socktech"');
  });

  it('takes any of the keys, as a Bearer token or as the Basic user name', async () => {
    const bearer = await socktech.post('/v1/events', event, { authorization: 'Bearer key-two' });
    assert.equal(bearer.status, 202);
    const basic = `Basic ${Buffer.from('key-one:').toString('base64')}`;
    const flows = await fetch(`${socktech.url}/v1/flows`, { headers: { authorization: basic } });
    assert.equal(flows.status, 200);
  });

  it('leaves health, metrics, the page, the OpenAPI document and the docs open', async () => {
    for (const open of ['/healthz', '/metrics', '/', '/openapi.json', '/docs']) {
      const res = await fetch(socktech.url + open);
      assert.equal(res.status, 200, open);
    }
  });
});

describe('where the API listens', () => {
  const refusal = /SOCKTECH_API_KEYS.*SOCKTECH_OPEN=1/;

  it('without keys: loopback only, unless SOCKTECH_OPEN=1', () => {
    assert.equal(loadConfig({}).http.host, '127.0.0.1');
    assert.equal(exposure(loadConfig({}).http), 'loopback only');
    assert.equal(exposure(loadConfig({ HOST: '::1' }).http), 'loopback only');
    assert.throws(() => exposure(loadConfig({ HOST: '0.0.0.0' }).http), refusal);
    assert.throws(() => exposure(loadConfig({ HOST: '0.0.0.0' }).http), ConfigError);
    assert.equal(exposure(loadConfig({ HOST: '0.0.0.0', SOCKTECH_OPEN: '1' }).http), 'open');
  });

  it('with keys, from the variable and from a file: anywhere', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'socktech-keys-')), 'keys');
    writeFileSync(file, 'key-c\n\n  key-d  \n');
    const http = loadConfig({
      HOST: '0.0.0.0',
      SOCKTECH_API_KEYS: 'key-a, key-b',
      SOCKTECH_API_KEYS_FILE: file,
    }).http;
    assert.deepEqual(http.apiKeys, ['key-a', 'key-b', 'key-c', 'key-d']);
    assert.equal(exposure(http), 'api keys');
    assert.throws(() => loadConfig({ SOCKTECH_API_KEYS_FILE: `${file}.missing` }), ConfigError);
  });

  it('npm start refuses to bind 0.0.0.0 without keys or SOCKTECH_OPEN, naming both', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('SOCKTECH_')),
    );
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/start.ts'], {
      env: { ...env, HOST: '0.0.0.0' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, refusal);
  });
});
