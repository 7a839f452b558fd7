import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { routesOfTheApp, sendRaw } from '../harness/routes';
import { startSocktech, type Socktech } from '../harness/socktech';

const key = 'walk-key';

/** The routes that answer without a key. Every other route the app registers needs one. */
const open = new Set([
  'GET /',
  'GET /page.js',
  'GET /page.css',
  'GET /auth.js',
  'GET /graph.js',
  'GET /editor.js',
  'GET /user.js',
  'GET /healthz',
  'GET /unsubscribe/walk',
  'POST /unsubscribe/walk',
  'GET /metrics',
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/swagger-ui-bundle.js',
  'GET /docs/swagger-ui.css',
]);

/** Ways to write `path` that a router, a proxy or a prefix check might read differently. */
function spellings(path: string, origin: string): string[] {
  const capitalized = path.replace(/\/(\w)/g, (_, c: string) => `/${c.toUpperCase()}`);
  const inner = path.replace(/(?!^)\//g, '%2F');
  return [
    path,
    path.toUpperCase(),
    capitalized,
    `${path}/`,
    `${capitalized}/`,
    `/${path}`,
    path.replaceAll('/', '//'),
    inner,
    path.replace(/[a-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`),
    `/./${path.slice(1)}`,
    `/healthz/..${path}`,
    `/docs/..${path}`,
    `${path}/.`,
    `${path}?status=running`,
    `${capitalized}?email=a%40example.com`,
    `${origin}${path}`,
    `${origin}${capitalized}/`,
  ];
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function send(url: URL, method: string, target: string, authorization?: string): Promise<number> {
  const body = ['GET', 'HEAD', 'OPTIONS'].includes(method) ? undefined : '{}';
  const headers = {
    ...(body ? { 'content-type': 'application/json' } : {}),
    ...(authorization ? { authorization } : {}),
  };
  return sendRaw(url, { method, target, headers, body }, agent).then((r) => r.status);
}

/** Runs `tasks` a few at a time: enough to be quick, few enough to leave the machine usable. */
async function inTurn<T>(tasks: Array<() => Promise<T>>, width = 8): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

describe('every route the app registers, however it is spelled', () => {
  let socktech: Socktech;
  let url: URL;
  const routes = routesOfTheApp().map((r) => ({ ...r, path: r.path.replace(/:\w+/g, 'walk') }));
  const keyed = routes.filter((r) => !open.has(`${r.method} ${r.path}`));

  // No flows: with the right key, nothing walked here can start a run or send an email.
  before(async () => {
    socktech = await startSocktech([], {}, { apiKeys: [key] });
    url = new URL(socktech.url);
  });
  after(async () => {
    agent.destroy();
    await socktech.stop();
  });

  it('reads the routes from the app, open and keyed', () => {
    assert.ok(keyed.length >= 10, `found ${keyed.length} routes that need a key`);
    assert.ok(keyed.some((r) => r.method === 'POST' && r.path === '/v1/events'));
    const found = new Set(routes.map((r) => `${r.method} ${r.path}`));
    assert.deepEqual(
      [...open].filter((r) => !found.has(r)),
      [],
      'every open route in this list is still registered',
    );
  });

  it('answers 401 without a key or with a wrong one, and never 401 with the right one', async () => {
    const checks = keyed.flatMap((route) =>
      spellings(route.path, socktech.url).flatMap((target) =>
        [...new Set([route.method, 'HEAD', 'OPTIONS', 'DELETE'])].flatMap((method) => [
          { method, target, authorization: undefined, needs: 401 },
          { method, target, authorization: 'Bearer not-the-key', needs: 401 },
          { method, target, authorization: `Bearer ${key}`, needs: 'not 401' },
        ]),
      ),
    );
    const statuses = await inTurn(
      checks.map((c) => () => send(url, c.method, c.target, c.authorization)),
    );
    const wrong = checks
      .map((c, i) => ({ ...c, status: statuses[i] }))
      .filter((c) => (c.needs === 401 ? c.status !== 401 : c.status === 401))
      .map((c) => `${c.authorization ?? 'no key'}: ${c.method} ${c.target} → ${c.status}`);
    assert.deepEqual(wrong.slice(0, 30), [], `${wrong.length} of ${checks.length} requests`);
  });

  it('answers the open routes without a key', async () => {
    for (const route of routes.filter((r) => open.has(`${r.method} ${r.path}`))) {
      for (const method of [route.method, 'HEAD']) {
        const status = await send(url, method, route.path);
        // `walk` is no unsubscribe token: refused, but not for want of a key.
        const expected = route.path.startsWith('/unsubscribe/') ? 400 : 200;
        assert.equal(status, expected, `${method} ${route.path}`);
      }
    }
  });
});
