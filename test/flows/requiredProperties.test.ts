import assert from 'node:assert/strict';
import { loadFlows } from '../../src/flows/load';
import { propertyProblems, requiredProperties } from '../../src/flows/requiredProperties';
import type { Flow } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';
import { testFlow } from '../harness/flows';

describe('the properties a flow needs', () => {
  let flow: Flow;

  before(async () => {
    flow = await testFlow({
      id: 'needs',
      name: 'Needs',
      trigger: { event: 'e' },
      actions: [
        { id: 'wait', type: 'waitForEvent', event: 'paid', timeout: '1h' },
        {
          id: 'mail',
          type: 'sendEmail',
          to: '{{ user.email }}',
          subject: 'Hi {{ properties.name }}, from {{ flow.name }} at {{ event.timestamp }}',
          body: [
            '{{ properties.plan | upcase }} {{ properties.coupon | default: "none" }}',
            '{% if properties.vip %}{{ properties.vip }} {{ properties.tier }}{% endif %}',
            '{% unless properties.muted %}loud{% endunless %}',
            '{% for line in properties.lines %}{{ line.sku }}{% endfor %}',
            '{{ event.properties.country }} {{ properties.cart.total }} {{ properties.lines.size }}',
            '{{ properties.items[0] }} {{ event.name }} {{ event.id }}',
          ].join('\n'),
        },
        {
          id: 'paid',
          type: 'webhook',
          after: ['wait:received'],
          url: '/paid/{{ nodes.wait.properties.order | url_encode }}',
          headers: { 'X-Source': '{{ properties.source | default: "app" }}' },
        },
      ],
    });
  });

  it('reads them from every template, sorted: defaults and if tests are optional', () => {
    assert.deepEqual(requiredProperties(flow), [
      { path: 'event.timestamp', segments: ['event', 'timestamp'], printed: true },
      { path: 'properties.cart.total', segments: ['properties', 'cart', 'total'], printed: true },
      { path: 'properties.country', segments: ['properties', 'country'], printed: true },
      { path: 'properties.items[0]', segments: ['properties', 'items', 0], printed: true },
      { path: 'properties.lines', segments: ['properties', 'lines'], printed: false },
      { path: 'properties.lines.size', segments: ['properties', 'lines', 'size'], printed: true },
      { path: 'properties.name', segments: ['properties', 'name'], printed: true },
      { path: 'properties.plan', segments: ['properties', 'plan'], printed: false },
      { path: 'properties.tier', segments: ['properties', 'tier'], printed: true },
    ]);
  });

  it('counts an if as proof only when a true test means the variable is there', async () => {
    const body = [
      '{% if properties.a and properties.b > 2 %}{{ properties.a }}{{ properties.b }}{% endif %}',
      '{% if properties.c == properties.d %}{{ properties.c }}{% endif %}',
      '{% if properties.e or properties.f %}{{ properties.e }}{% endif %}',
      '{% if properties.g != "x" %}{{ properties.g }}{% endif %}',
      '{% unless properties.h %}{{ properties.h }}{% endunless %}',
      '{% if properties.i %}{% else %}{{ properties.i }}{% endif %}',
    ].join('');
    const tests = await testFlow({
      id: 'tests',
      name: 'Tests',
      trigger: { event: 'e' },
      actions: [{ id: 'mail', type: 'sendEmail', subject: 's', body }],
    });
    assert.deepEqual(
      requiredProperties(tests).map((r) => r.path),
      ['properties.c', 'properties.e', 'properties.g', 'properties.h', 'properties.i'],
    );
  });

  it('finds what an event lacks, and objects where text is printed', () => {
    const needs = requiredProperties(flow);
    const complete = {
      timestamp: '2026-01-01T00:00:00Z',
      properties: {
        name: 'Ada',
        plan: 'pro',
        tier: null,
        lines: [],
        country: 'FR',
        cart: { total: 10 },
        items: ['sock'],
      },
    };
    assert.equal(
      propertyProblems(needs, { ...complete, properties: { ...complete.properties } }),
      undefined,
    );
    assert.deepEqual(
      propertyProblems(needs, { properties: { ...complete.properties, name: undefined } }),
      {
        missing: ['event.timestamp', 'properties.name'],
        wrongType: [],
      },
    );
    assert.deepEqual(
      propertyProblems(needs, {
        ...complete,
        properties: {
          ...complete.properties,
          name: { toString: 'x' },
          cart: { total: [1] },
          items: [],
          lines: 5,
        },
      }),
      {
        missing: ['properties.items[0]', 'properties.lines.size'],
        wrongType: ['properties.cart.total', 'properties.name'],
      },
    );
  });

  it('counts only own properties, as the templates read them', () => {
    const needs = requiredProperties(flow);
    const inherited = Object.create({ name: 'Ada' }) as Record<string, unknown>;
    const problems = propertyProblems(needs, { properties: inherited });
    assert.ok(problems?.missing.includes('properties.name'));
  });

  it('of the sample flows: what flows:check prints', async () => {
    const flows = (await loadFlows('flows')).all();
    const paths = Object.fromEntries(
      flows.map((f) => [f.id, requiredProperties(f).map((r) => r.path)]),
    );
    assert.deepEqual(paths, {
      'abandoned-cart': ['properties.items'],
      'quick-demo': ['properties.name'],
      'trial-ending': ['properties.daysLeft', 'properties.name', 'properties.plan'],
      welcome: ['properties.name', 'properties.plan'],
      winback: ['properties.name'],
    });
  });

  it('checks the sample against them: an object where text is printed is refused', async () => {
    const result = await validateFlow({
      id: 'object-name',
      name: 'Object name',
      trigger: { event: 'e' },
      sample: { email: 'a@example.com', properties: { name: { first: 'Ada' } } },
      actions: [{ id: 'mail', type: 'sendEmail', subject: 'Hi {{ properties.name }}', body: 'x' }],
    });
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.problems.some((p) => /properties\.name/.test(p.message)));
  });
});
