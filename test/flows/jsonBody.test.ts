import assert from 'node:assert/strict';
import { loadFlows } from '../../src/flows/load';
import type { FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';
import { renderTemplate, type TemplateContext } from '../../src/templates';

function hookFlow(hook: Record<string, unknown>): FlowFile {
  return {
    id: 'json-body',
    name: 'JSON body',
    trigger: { event: 'e' },
    actions: [{ id: 'notify', type: 'webhook', url: '/notify', ...hook }],
  } as FlowFile;
}

async function problems(hook: Record<string, unknown>): Promise<string[]> {
  const result = await validateFlow(hookFlow(hook));
  return result.ok ? [] : result.problems.map((p) => `${p.node}: ${p.message}`);
}

function context(properties: Record<string, unknown>): TemplateContext {
  return {
    user: { email: 'a@example.com' },
    event: { name: 'e', properties },
    properties,
    flow: { id: 'f', name: 'F', version: '1' },
    nodes: {},
  };
}

describe('webhook bodies sent as JSON', () => {
  it('refuses a property put in without | json, naming the node and the expression', async () => {
    const body = '{ "daysLeft": {{ properties.daysLeft }}, "plan": "{{ properties.plan }}" }';
    const found = await problems({ body });
    assert.equal(found.length, 2, found.join('\n'));
    assert.match(found[0], /^notify: body: .*\{\{ properties\.daysLeft \}\}.*\| json/);
    assert.match(found[1], /^notify: body: .*\{\{ properties\.plan \}\}/);
  });

  it('holds for a JSON content type given in any case, and inside tags', async () => {
    const body = '{% if properties.a %}{ "a": {{ properties.a | upcase }} }{% endif %}';
    const headers = { 'content-TYPE': 'application/vnd.api+json' };
    assert.equal((await problems({ body, headers })).length, 1);
  });

  it('takes a body whose every output ends with | json, or a body that is not JSON', async () => {
    const json =
      '{ "n": {{ properties.n | default: 0 | json }}, "email": {{ user.email | json }} }';
    assert.deepEqual(await problems({ body: json }), []);
    const text = 'days left: {{ properties.daysLeft }}';
    assert.deepEqual(await problems({ body: text, headers: { 'Content-Type': 'text/plain' } }), []);
  });

  it('| json writes strings, numbers, booleans, null and objects as JSON, so no key can be added', async () => {
    const template =
      '{ "daysLeft": {{ properties.daysLeft | json }}, "n": {{ properties.n | json }}, ' +
      '"yes": {{ properties.yes | json }}, "none": {{ properties.none | json }}, ' +
      '"cart": {{ properties.cart | json }} }';
    const properties = {
      daysLeft: '3, "admin": true',
      n: -1.5e3,
      yes: true,
      none: null,
      cart: { lines: [{ sku: 'sock "red"\n', n: 2 }], note: '</script>\u2028' },
    };
    const rendered = await renderTemplate(template, context(properties), 'none');
    assert.deepEqual(JSON.parse(rendered), properties);
  });

  it('the sample flows follow the rule', async () => {
    await loadFlows('flows');
  });
});
