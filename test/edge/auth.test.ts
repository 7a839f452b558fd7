import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
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

/** node:http, since fetch will not send a Host header of the caller's choosing. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: text.startsWith('{') ? JSON.parse(text) : text,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('browsers, with no keys', () => {
  let socktech: Socktech;
  let own: string;
  const trigger = '/v1/flows/browsed/trigger';

  before(async () => {
    const flow = await testFlow({
      id: 'browsed',
      name: 'Browsed',
      trigger: { event: 'browsed' },
      sample: { email: 'browsed@example.com' },
      actions: [{ id: 'hook', type: 'webhook', url: `${harness().webhooks.url}/browsed` }],
    });
    socktech = await startSocktech([flow], {}, { allowedHosts: ['socktech.test'] });
    own = socktech.url;
  });
  after(() => socktech.stop());

  const post = (path: string, headers: Record<string, string>) =>
    send(own, 'POST', path, { 'content-type': 'text/plain', ...headers }, '{}');

  it('refuses a write another site sends, by Origin or by Sec-Fetch-Site (CSRF)', async () => {
    const senders: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: own.replace('127.0.0.1', 'localhost') },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:5173' },
    ];
    const writes = [trigger, '/v1/runs/anyone/cancel', '/v1/runs/anyone/rerun', '/v1/events'];
    for (const headers of senders) {
      for (const path of writes) {
        const res = await post(path, headers);
        assert.equal(res.status, 403, `${path} ${JSON.stringify(headers)}`);
        assert.match(res.body.error, /another site may not change anything here/);
      }
    }
  });

  it("takes writes from the API's own page, and from servers, which send no Origin", async () => {
    const page = await send(own, 'POST', trigger, {
      'content-type': 'application/json',
      origin: own,
      'sec-fetch-site': 'same-origin',
    });
    assert.equal(page.status, 202);
    const segment = await send(
      own,
      'POST',
      '/v1/batch',
      { 'content-type': 'application/json' },
      JSON.stringify({ batch: [] }),
    );
    assert.equal(segment.status, 200);
    const read = await send(own, 'GET', '/v1/flows', { 'sec-fetch-site': 'cross-site' });
    assert.equal(read.status, 200, 'a read is no write, and no other site can see its reply');
  });

  it('answers only Host names it serves: a DNS-rebinding page gets nothing', async () => {
    for (const host of ['evil.example', 'evil.example:3000', 'localhost.evil.example']) {
      for (const path of ['/v1/runs?status=running', '/', '/healthz']) {
        const res = await send(own, 'GET', path, { host });
        assert.equal(res.status, 421, `Host: ${host} ${path}`);
        assert.match(res.body.error, /SOCKTECH_ALLOWED_HOSTS/);
      }
    }
    for (const host of [
      'localhost:3000',
      'LOCALHOST',
      '127.0.0.1',
      '[::1]:8080',
      '10.1.2.3:3000',
    ]) {
      const res = await send(own, 'GET', '/v1/flows', { host });
      assert.equal(res.status, 200, `Host: ${host}`);
    }
    const added = await send(own, 'GET', '/v1/flows', { host: 'Socktech.test:443' });
    assert.equal(added.status, 200, 'a name from SOCKTECH_ALLOWED_HOSTS');
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

  it('answers the names in SOCKTECH_ALLOWED_HOSTS, and says which entry is not a name', () => {
    assert.deepEqual(loadConfig({}).http.allowedHosts, []);
    const { http } = loadConfig({ SOCKTECH_ALLOWED_HOSTS: ' Socktech.example.com,, flows.local ' });
    assert.deepEqual(http.allowedHosts, ['socktech.example.com', 'flows.local']);
    assert.throws(
      () => loadConfig({ SOCKTECH_ALLOWED_HOSTS: 'a.example,https://b.example:8443' }),
      /SOCKTECH_ALLOWED_HOSTS.*"https:\/\/b.example:8443" is not a host name/,
    );
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
