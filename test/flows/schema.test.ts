import assert from 'node:assert/strict';
import { FlowValidationError, type FlowProblem } from '../../src/flows/problems';
import { OUTCOMES, type Flow, type FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';

const FILE = 'flows/x.json';

/** A valid flow with its actions listed out of order, on which each test makes one change. */
function flowFile(): FlowFile {
  return {
    id: 'x',
    name: 'X',
    trigger: { event: 'user.signed_up', where: { plan: 'pro' } },
    sample: { email: 'demo@example.com', properties: { name: 'Ada', plan: 'pro' } },
    actions: [
      {
        id: 'follow',
        type: 'sendEmail',
        after: ['wait'],
        subject: 'Hi {{ properties.name }}',
        body: '<p>Hi</p>',
      },
      {
        id: 'wait',
        type: 'delay',
        after: ['hello'],
        duration: '3d',
        retry: { maximumAttempts: 3 },
      },
      {
        id: 'hello',
        type: 'sendEmail',
        to: '{{ user.email }}',
        subject: 'Welcome',
        body: '<p>{{ flow.name }}</p>',
      },
      { id: 'hook', type: 'webhook', after: ['trigger'], url: '/crm', onFailure: 'continue' },
      { id: 'at', type: 'delay', after: ['hello'], until: '2026-12-01T09:00:00Z' },
    ],
  };
}

type Change = (
  file: FlowFile & Record<string, unknown>,
  actions: Record<string, unknown>[],
) => void;

function changed(change: Change): FlowFile {
  const file = flowFile() as FlowFile & Record<string, unknown>;
  change(file, file.actions as unknown as Record<string, unknown>[]);
  return file;
}

function keysReversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysReversed);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, keysReversed(v)]),
  );
}

async function problemsOf(file: unknown): Promise<FlowProblem[]> {
  const result = await validateFlow(file, FILE);
  assert.equal(result.ok, false, 'the flow is refused');
  return result.ok ? [] : result.problems;
}

async function valid(file: unknown): Promise<Flow> {
  const result = await validateFlow(file);
  assert.ok(result.ok, result.ok ? '' : new FlowValidationError(result.problems).message);
  return result.flow;
}

describe('validateFlow', () => {
  it('fills defaults, converts durations and orders actions topologically', async () => {
    const retry = {
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 600_000,
      maximumAttempts: 0,
    };
    const { version, ...flow } = await valid(flowFile());
    assert.match(version, /^[0-9a-f]{12}$/);
    assert.deepEqual(flow, {
      id: 'x',
      name: 'X',
      reentry: 'once',
      category: 'marketing',
      trigger: { event: 'user.signed_up', where: { plan: 'pro' } },
      sample: {
        event: 'user.signed_up',
        email: 'demo@example.com',
        properties: { name: 'Ada', plan: 'pro' },
        received: {},
      },
      actions: [
        {
          id: 'hello',
          type: 'sendEmail',
          after: [],
          retry,
          onFailure: 'fail',
          to: '{{ user.email }}',
          subject: 'Welcome',
          body: '<p>{{ flow.name }}</p>',
        },
        {
          id: 'wait',
          type: 'delay',
          after: ['hello'],
          retry: { ...retry, maximumAttempts: 3 },
          onFailure: 'fail',
          durationMs: 259_200_000,
        },
        {
          id: 'follow',
          type: 'sendEmail',
          after: ['wait'],
          retry,
          onFailure: 'fail',
          subject: 'Hi {{ properties.name }}',
          body: '<p>Hi</p>',
        },
        {
          id: 'hook',
          type: 'webhook',
          after: [],
          retry,
          onFailure: 'continue',
          url: '/crm',
          method: 'POST',
          headers: {},
        },
        {
          id: 'at',
          type: 'delay',
          after: ['hello'],
          retry,
          onFailure: 'fail',
          until: '2026-12-01T09:00:00Z',
        },
      ],
    });
  });

  it('returns plain JSON', async () => {
    const flow = await valid(flowFile());
    assert.deepEqual(JSON.parse(JSON.stringify(flow)), flow);
  });

  it('derives the version from the canonical content, unless the file gives one', async () => {
    const { version } = await valid(flowFile());
    assert.equal((await valid(JSON.parse(JSON.stringify(flowFile(), null, 4)))).version, version);
    assert.equal((await valid(keysReversed(flowFile()))).version, version);
    assert.notEqual((await valid({ ...flowFile(), name: 'Y' })).version, version);
    assert.equal((await valid({ ...flowFile(), version: '7' })).version, '7');
  });

  it('keeps a labelled edge only when the label is an outcome of the parent type', async () => {
    assert.deepEqual(OUTCOMES, {
      sendEmail: ['suppressed', 'capped'],
      delay: [],
      webhook: [],
      waitForEvent: ['received', 'timedOut'],
      branch: ['true', 'false'],
      split: undefined,
    });
    const problems = await problemsOf(changed((_, a) => (a[0].after = ['wait:timedOut'])));
    assert.deepEqual(
      problems.map((p) => p.message),
      ['"timedOut" is not an outcome of "wait" (delay outcomes: none)'],
    );
  });

  const kinds: [string, Change, string | undefined, string][] = [
    ['unknown parent', (_, a) => (a[0].after = ['zz']), 'follow', 'unknown parent "zz"'],
    ['cycle', (_, a) => (a[2].after = ['follow']), 'hello', 'cycle: hello → wait → follow → hello'],
    ['self-loop', (_, a) => (a[3].after = ['hook']), 'hook', 'cycle: hook → hook'],
    ['duplicate id', (_, a) => (a[4].id = 'hello'), 'hello', 'duplicate id "hello"'],
    [
      'unknown type',
      (_, a) => (a[3].type = 'teleport'),
      'hook',
      'type: unknown type "teleport" (known: sendEmail, delay, webhook, waitForEvent, branch, split)',
    ],
    ['missing type', (_, a) => delete a[3].type, 'hook', 'missing field "type"'],
    [
      'bad duration',
      (_, a) => (a[1].duration = '3 days'),
      'wait',
      'duration: "3 days" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
    ],
    [
      'bad retry duration',
      (_, a) => (a[3].retry = { maximumInterval: '1x' }),
      'hook',
      'retry.maximumInterval: "1x" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
    ],
    [
      'zero retry interval',
      (_, a) => (a[3].retry = { initialInterval: '0s' }),
      'hook',
      'retry.initialInterval: must be longer than 0',
    ],
    [
      'retry cap below the first interval',
      (_, a) => (a[3].retry = { initialInterval: '1h', maximumInterval: '1m' }),
      'hook',
      'retry: maximumInterval is below initialInterval',
    ],
    ['missing field', (_, a) => delete a[0].subject, 'follow', 'missing field "subject"'],
    [
      'missing nested field',
      (f) => (f.trigger = {} as FlowFile['trigger']),
      undefined,
      'missing field "trigger.event"',
    ],
    ['wrong type', (_, a) => (a[3].url = 42), 'hook', 'url: expected string, got number'],
    ['unknown field', (_, a) => (a[0].subjet = 'x'), 'follow', 'unknown field "subjet"'],
    ['unknown flow field', (f) => (f.nmae = 'x'), undefined, 'unknown field "nmae"'],
    [
      'bad enum',
      (f) => (f.reentry = 'twice' as FlowFile['reentry']),
      undefined,
      'reentry: expected one of "once", "after-exit", "every-event", got "twice"',
    ],
    [
      'template that does not compile',
      (_, a) => (a[0].body = '{{ properties.name'),
      'follow',
      'body: template does not compile: output "{{ properties.name" not closed, line:1, col:1',
    ],
    [
      'template reading an unknown root',
      (_, a) => (a[3].headers = { 'X-Key': '{{ secrets.key }}' }),
      'hook',
      'headers.X-Key: template reads unknown variable "secrets" (known roots: user, event, properties, flow, nodes)',
    ],
    [
      'template failing on the sample',
      (_, a) => (a[0].subject = 'Hi {{ properties.surname }}'),
      'follow',
      'subject: fails on the sample: undefined variable: properties.surname, line:1, col:7',
    ],
    [
      'sample filtered out by where',
      (f) => (f.sample = { email: 'demo@example.com', properties: { name: 'Ada' } }),
      undefined,
      'sample: properties do not match trigger.where',
    ],
    [
      'bad sample email',
      (f) => (f.sample = { email: 'nope' }),
      undefined,
      'sample.email: Invalid email address',
    ],
    [
      'reserved id',
      (_, a) => (a[3].id = 'trigger'),
      'trigger',
      'id: "trigger" is reserved for the root',
    ],
    [
      'bad edge',
      (_, a) => (a[0].after = ['wait:a:b']),
      'follow',
      'after[0]: "wait:a:b" is not "nodeId" or "nodeId:label"',
    ],
    [
      'same edge twice',
      (_, a) => (a[0].after = ['wait', 'wait']),
      'follow',
      'after lists "wait" twice',
    ],
    [
      'delay with both duration and until',
      (_, a) => (a[4].duration = '1s'),
      'at',
      'needs either duration or until',
    ],
    [
      'until without a time zone',
      (_, a) => (a[4].until = '2026-12-01T09:00:00'),
      'at',
      'until: expected a date-time with a time zone, e.g. 2026-12-01T09:00:00Z',
    ],
    [
      'bad where operator',
      (f) =>
        (f.trigger = {
          event: 'user.signed_up',
          where: JSON.parse('{ "plan": { "like": "p%" } }'),
        }),
      undefined,
      'trigger.where.plan: unknown field "like"',
    ],
    ['no actions', (f) => (f.actions = []), undefined, 'actions: a flow needs at least one action'],
  ];
  for (const [kind, change, node, message] of kinds) {
    it(`reports ${kind}, naming file, flow and action`, async () => {
      const problem = node === undefined ? { message } : { node, message };
      assert.deepEqual(await problemsOf(changed(change)), [{ file: FILE, flow: 'x', ...problem }]);
    });
  }

  it('reports every problem at once', async () => {
    const file = {
      id: 'x',
      name: 'X',
      nmae: 'typo',
      reentry: 'twice',
      trigger: { event: 'user.signed_up' },
      sample: { email: 'demo@example.com', properties: { name: 'Ada' } },
      actions: [
        { id: 'a', type: 'sendEmail', after: ['zz'], body: '{{ properties.name' },
        { id: 'b', type: 'delay', after: ['c'], duration: '3 days' },
        { id: 'c', type: 'sendEmail', after: ['b'], subject: 'Hi', body: '{{ secrets.x }}' },
        { id: 'd', type: 'teleport' },
        { id: 'e', type: 'webhook', url: '/x', headers: { 'X-Name': '{{ properties.nickname }}' } },
        { id: 'd', type: 'delay', duration: '1s' },
        { id: 'f', type: 'delay', after: ['e:done'], duration: '1s' },
      ],
    };
    const problems = (await problemsOf(file)).map(({ node, message }) => [node, message]);
    assert.deepEqual(problems, [
      [undefined, 'reentry: expected one of "once", "after-exit", "every-event", got "twice"'],
      [undefined, 'unknown field "nmae"'],
      ['a', 'missing field "subject"'],
      [
        'a',
        'body: template does not compile: output "{{ properties.name" not closed, line:1, col:1',
      ],
      [
        'b',
        'duration: "3 days" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
      ],
      [
        'c',
        'body: template reads unknown variable "secrets" (known roots: user, event, properties, flow, nodes)',
      ],
      [
        'd',
        'type: unknown type "teleport" (known: sendEmail, delay, webhook, waitForEvent, branch, split)',
      ],
      ['d', 'duplicate id "d"'],
      ['a', 'unknown parent "zz"'],
      ['c', 'cycle: c → b → c'],
      ['f', '"done" is not an outcome of "e" (webhook outcomes: none)'],
      [
        'e',
        'headers.X-Name: fails on the sample: undefined variable: properties.nickname, line:1, col:4',
      ],
    ]);
  });

  it('refuses what is not an object', async () => {
    assert.deepEqual(await problemsOf([]), [{ file: FILE, message: 'expected object, got array' }]);
  });
});

describe('FlowValidationError', () => {
  it('lists its problems one per line', () => {
    const error = new FlowValidationError([
      { file: 'flows/x.json', flow: 'x', node: 'b', message: 'unknown parent "zz"' },
      { file: 'flows/x.json', flow: 'x', message: 'missing field "name"' },
      { flow: 'y', node: 'c', message: 'cycle: c → c' },
    ]);
    assert.equal(
      error.message,
      [
        'flows/x.json: action "b": unknown parent "zz"',
        'flows/x.json: missing field "name"',
        'flow "y": action "c": cycle: c → c',
      ].join('\n'),
    );
    assert.equal(error.problems.length, 3);
  });
});
