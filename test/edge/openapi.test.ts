import assert from 'node:assert/strict';
import { errorReplySchema, openapiDocument, operations } from '../../src/api/openapi';
import { testFlow } from '../harness/flows';
import { userHash } from '../../src/ingest/identity';
import { unsubscribeUrl } from '../../src/unsubscribeLink';
import { harness } from '../harness/hooks';
import { routesOfTheApp as appRoutes } from '../harness/routes';
import { startSocktech, type Socktech } from '../harness/socktech';

const key = 'openapi-key';

/** `GET /v1/runs/{workflowId}`, as the document writes it. */
function routesOfTheApp(): string[] {
  return appRoutes().map(({ method, path }) => `${method} ${openapiPath(path)}`);
}

function openapiPath(route: string): string {
  return route.replace(/(.)\/$/, '$1').replace(/:(\w+)/g, '{$1}');
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

/** The paths of every field in `value` that `schema` does not document. */
function undocumented(value: unknown, schema: JsonSchema, at = '$'): string[] {
  if (schema.anyOf) {
    const each = schema.anyOf.map((branch) => undocumented(value, branch, at));
    return each.reduce((fewest, fields) => (fields.length < fewest.length ? fields : fewest));
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => undocumented(item, schema.items ?? {}, `${at}[${i}]`));
  }
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) => {
    const documented = schema.properties?.[key];
    if (documented) return undocumented(field, documented, `${at}.${key}`);
    const { additionalProperties } = schema;
    if (typeof additionalProperties === 'object') {
      return undocumented(field, additionalProperties, `${at}.${key}`);
    }
    return additionalProperties === false || schema.properties ? [`${at}.${key}`] : [];
  });
}

/** The reply schema `/openapi.json` gives for a route and status. */
function documentedReply(method: string, route: string, status: number): JsonSchema | undefined {
  const paths = openapiDocument().paths as Record<string, Record<string, any>>;
  const content = paths[openapiPath(route)]?.[method.toLowerCase()]?.responses[status]?.content;
  return content?.['application/json']?.schema;
}

describe('/openapi.json', () => {
  it('documents every route of the app, and no route that is not there', () => {
    const routes = routesOfTheApp();
    const documented = Object.entries(openapiDocument().paths).flatMap(([route, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
    );
    assert.ok(routes.length >= 20, `found ${routes.length} routes`);
    assert.deepEqual([...routes].sort(), [...documented].sort());
  });

  it('finds the fields a schema does not document', () => {
    const schema = {
      properties: { a: { items: { properties: { b: {} }, additionalProperties: false } } },
      additionalProperties: false,
    };
    assert.deepEqual(undocumented({ a: [{ b: 1, c: 2 }], d: 3 }, schema), ['$.a[0].c', '$.d']);
  });

  describe('real replies match their documented schemas', () => {
    let socktech: Socktech;
    const checked = new Set<string>();

    before(async () => {
      const url = `${harness().webhooks.url}/documented`;
      const flow = await testFlow({
        id: 'documented',
        name: 'Documented',
        trigger: { event: 'documented' },
        sample: { email: 'sample@example.com' },
        actions: [{ id: 'hook', type: 'webhook', url }],
      });
      // The sample lacks `plan`: every event of the test is `invalid` for this flow.
      const needsPlan = await testFlow({
        id: 'documented-plan',
        name: 'Documented, with a plan',
        trigger: { event: 'documented' },
        actions: [{ id: 'hook', type: 'webhook', url, body: '{{ properties.plan | json }}' }],
      });
      socktech = await startSocktech([flow, needsPlan], {}, { apiKeys: [key] });
    });
    after(() => socktech.stop());

    /** Calls the API and checks the reply against what the document says of its status. */
    async function call(
      status: number,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      route: string,
      path = route,
      body?: unknown,
      headers: Record<string, string> = { authorization: `Bearer ${key}` },
    ): Promise<any> {
      const res = await fetch(socktech.url + path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      assert.equal(res.status, status, `${method} ${path}`);
      const op = operations.find((o) => o.method === method.toLowerCase() && o.path === route);
      assert.ok(op, `${method} ${route} is documented`);
      const reply =
        op.replies[res.status] ??
        (res.status === 401 && route.startsWith('/v1/') ? { schema: errorReplySchema } : undefined);
      assert.ok(reply, `${method} ${path} answered ${res.status}, which is not documented`);
      checked.add(`${method} ${route}`);
      if (!reply.schema) {
        assert.ok(res.headers.get('content-type')?.startsWith(reply.type ?? ''));
        return res.text();
      }
      const json = await res.json();
      const parsed = reply.schema.safeParse(json);
      assert.ok(parsed.success, `${method} ${path} ${res.status}: ${parsed.error?.message}`);
      const documented = documentedReply(method, route, res.status);
      assert.ok(documented, `${method} ${route} ${res.status} has a JSON schema in the document`);
      assert.deepEqual(undocumented(json, documented), [], `${method} ${path} ${res.status}`);
      return json;
    }

    it('for every documented operation', async () => {
      const event = { name: 'documented', email: 'documented@example.com' };
      const sent = await call(202, 'POST', '/v1/events', '/v1/events', event);
      const [{ workflowId }, invalid] = sent.events[0].matched;
      assert.equal(invalid.outcome, 'invalid');
      await socktech.client.workflow.getHandle(workflowId).result();
      await call(400, 'POST', '/v1/events', '/v1/events', { name: '' });
      await call(401, 'POST', '/v1/events', '/v1/events', event, {});

      const track = { type: 'track', event: 'documented', userId: 'u', properties: {} };
      await call(200, 'POST', '/v1/track', '/v1/track', track, {
        authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      });
      await call(200, 'POST', '/v1/batch', '/v1/batch', { batch: [track] });
      await call(400, 'POST', '/v1/batch', '/v1/batch', { batch: 'no' });

      await call(200, 'GET', '/v1/runs', '/v1/runs?flowId=documented');
      await call(200, 'GET', '/v1/runs/counts', '/v1/runs/counts?flowId=documented');
      await call(200, 'GET', '/v1/runs/:workflowId', `/v1/runs/${workflowId}`);
      await call(404, 'GET', '/v1/runs/:workflowId', '/v1/runs/no-such-run');
      await call(409, 'POST', '/v1/runs/:workflowId/cancel', `/v1/runs/${workflowId}/cancel`);
      await call(409, 'POST', '/v1/runs/:workflowId/rerun', `/v1/runs/${workflowId}/rerun`);

      await call(200, 'GET', '/v1/flows');
      await call(200, 'GET', '/v1/flows/:id', '/v1/flows/documented');
      await call(404, 'GET', '/v1/flows/:id', '/v1/flows/nope');
      await call(202, 'POST', '/v1/flows/:id/trigger', '/v1/flows/documented/trigger', {});

      const stored = {
        id: 'documented-store',
        name: 'Documented store',
        trigger: { event: 'documented.store' },
        actions: [{ id: 'hook', type: 'webhook', url: '/documented' }],
      };
      const at = (version: number) => ({
        authorization: `Bearer ${key}`,
        'if-match': `"${version}"`,
      });
      const of = (action: string) => `/v1/flows/documented-store/${action}`;
      await call(201, 'POST', '/v1/flows', '/v1/flows', stored);
      await call(409, 'POST', '/v1/flows', '/v1/flows', stored);
      await call(200, 'GET', '/v1/flows/:id/draft', of('draft'));
      await call(200, 'PUT', '/v1/flows/:id/draft', of('draft'), stored, at(1));
      await call(412, 'PUT', '/v1/flows/:id/draft', of('draft'), stored, at(1));
      await call(428, 'POST', '/v1/flows/:id/publish', of('publish'));
      await call(200, 'POST', '/v1/flows/:id/publish', of('publish'), undefined, at(2));
      await call(200, 'POST', '/v1/flows/:id/rollback', of('rollback'), { version: 1 }, at(2));
      await call(200, 'POST', '/v1/flows/:id/archive', of('archive'), undefined, at(3));
      await call(200, 'GET', '/v1/flows/:id/versions', of('versions'));
      await call(200, 'POST', '/v1/flows/check', '/v1/flows/check', stored);
      // The test server has no SMTP settings for the API: a test send says so.
      const test = { node: 'hook', to: 'documented@example.com' };
      await call(503, 'POST', '/v1/flows/:id/test-send', of('test-send'), test);

      await call(200, 'GET', '/v1/users/:email', '/v1/users/documented@example.com');
      await call(400, 'GET', '/v1/users/:email', '/v1/users/nope');
      await call(200, 'DELETE', '/v1/users/:email', '/v1/users/gone@example.com');
      await call(400, 'DELETE', '/v1/users/:email', '/v1/users/nope');
      const byId = '/v1/users/by-id/:userId';
      const identify = { type: 'identify', userId: 'documented-user', traits: event };
      await call(200, 'POST', '/v1/batch', '/v1/batch', { batch: [identify] });
      await call(200, 'GET', byId, '/v1/users/by-id/documented-user');
      await call(404, 'GET', byId, '/v1/users/by-id/nobody');
      const subscription = '/v1/users/:email/subscription';
      const ada = '/v1/users/ada@example.com/subscription';
      await call(200, 'GET', subscription, ada);
      await call(400, 'GET', subscription, '/v1/users/ada/subscription');
      await call(200, 'PUT', subscription, ada, { subscribed: true });
      await call(400, 'PUT', subscription, ada, { subscribed: 'yes' });
      await call(200, 'GET', '/v1/suppressions', '/v1/suppressions?pageSize=1');
      await call(400, 'GET', '/v1/suppressions', '/v1/suppressions?pageSize=0');
      const link = unsubscribeUrl('', harness().secret, userHash('leaving@example.com'));
      for (const method of ['GET', 'POST'] as const) {
        await call(200, method, '/unsubscribe/:token', link);
        await call(400, method, '/unsubscribe/:token', '/unsubscribe/nope');
        await call(
          403,
          method,
          '/unsubscribe/:token',
          link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        );
      }

      for (const op of operations.filter((o) => o.method === 'get' && !o.path.includes(':'))) {
        if (!op.path.startsWith('/v1/')) await call(200, 'GET', op.path);
      }

      const unchecked = operations
        .map((o) => `${o.method.toUpperCase()} ${o.path}`)
        .filter((o) => !checked.has(o));
      assert.deepEqual(unchecked, []);
    });
  });
});
