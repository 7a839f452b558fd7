import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flowLevels } from '../../src/flows/graph';
import { buildIndex, loadFlows } from '../../src/flows/load';
import { FlowValidationError } from '../../src/flows/problems';
import type { Flow } from '../../src/flows/schema';

function directory(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'socktech-flows-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

function flowFile(id: string, event = 'user.signed_up') {
  return {
    id,
    name: id,
    trigger: { event },
    actions: [{ id: 'only', type: 'delay', duration: '1s' }],
  };
}

async function refusal(load: Promise<unknown>): Promise<string[]> {
  const err = await load.then(
    () => assert.fail('loaded'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof FlowValidationError);
  return err.message.split('\n');
}

describe('the sample flows', () => {
  let flows: readonly Flow[];
  before(async () => (flows = (await loadFlows('flows')).all()));

  it('load, each with a sample', () => {
    assert.deepEqual(
      flows.map((f) => f.id),
      ['abandoned-cart', 'quick-demo', 'trial-ending', 'welcome', 'winback'],
    );
    for (const flow of flows) assert.ok(flow.sample, `${flow.id} has a sample`);
  });

  it('welcome: email then a 3-day delay then email, with a webhook beside the first email', () => {
    const welcome = flows.find((f) => f.id === 'welcome') as Flow;
    assert.deepEqual(flowLevels(welcome), [
      ['welcome-email', 'crm'],
      ['wait-3d'],
      ['followup-email'],
    ]);
    assert.deepEqual(
      welcome.actions.map((a) => [a.id, a.type]),
      [
        ['welcome-email', 'sendEmail'],
        ['crm', 'webhook'],
        ['wait-3d', 'delay'],
        ['followup-email', 'sendEmail'],
      ],
    );
    assert.equal(welcome.actions.find((a) => a.type === 'webhook')?.url, '/welcome');
  });

  it('trial-ending: listed out of order, loaded in topological order', () => {
    const trial = flows.find((f) => f.id === 'trial-ending') as Flow;
    const file = JSON.parse(readFileSync('flows/trial-ending.json', 'utf8'));
    const listed = file.actions.map((a: { id: string }) => a.id);
    const loaded = trial.actions.map((a) => a.id);
    assert.notDeepEqual(listed, loaded);
    assert.deepEqual(loaded, ['reminder', 'wait-2d', 'last-call', 'notify-sales']);
  });

  it('quick-demo: finishes within seconds', () => {
    const demo = flows.find((f) => f.id === 'quick-demo') as Flow;
    const waited = demo.actions.reduce(
      (ms, a) => ms + (a.type === 'delay' ? (a.durationMs as number) : 0),
      0,
    );
    assert.ok(waited <= 5000, `${waited} ms of delays`);
    assert.deepEqual(
      new Set(demo.actions.map((a) => a.type)),
      new Set(['sendEmail', 'delay', 'webhook']),
    );
  });
});

describe('loadFlows', () => {
  it('indexes flows by id and by trigger event, from directories and files', async () => {
    const dir = directory({
      'a.json': flowFile('a'),
      'b.json': flowFile('b', 'trial.ending'),
      'c.json': flowFile('c'),
      'notes.txt': 'not a flow',
    });
    const index = await loadFlows(dir);
    assert.deepEqual(
      index.all().map((f) => f.id),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      index.forEvent('user.signed_up').map((f) => f.id),
      ['a', 'c'],
    );
    assert.deepEqual(index.forEvent('nothing'), []);
    assert.equal(index.get('b')?.trigger.event, 'trial.ending');
    assert.equal(index.get('zz'), undefined);
    const some = await loadFlows([join(dir, 'c.json'), join(dir, 'a.json')]);
    assert.deepEqual(
      some.all().map((f) => f.id),
      ['c', 'a'],
    );
  });

  it('refuses with every problem of every file, duplicate ids across files included', async () => {
    const dir = directory({
      'a.json': flowFile('same'),
      'b.json': flowFile('same'),
      'broken.json': '{ "id": ',
      'invalid.json': {
        ...flowFile('invalid'),
        actions: [{ id: 'x', type: 'delay', after: ['zz'] }],
      },
    });
    const lines = await refusal(loadFlows([dir, join(dir, 'missing.json')]));
    assert.deepEqual(lines, [
      `${join(dir, 'missing.json')}: cannot read: ENOENT: no such file or directory, stat '${join(dir, 'missing.json')}'`,
      `${join(dir, 'broken.json')}: invalid JSON: Unexpected end of JSON input`,
      `${join(dir, 'invalid.json')}: action "x": needs either duration or until`,
      `${join(dir, 'invalid.json')}: action "x": unknown parent "zz"`,
      `${join(dir, 'b.json')}: duplicate flow id "same" (also in ${join(dir, 'a.json')})`,
    ]);
  });
});

describe('buildIndex', () => {
  it('indexes 10,000 flows in memory', () => {
    const flows: Flow[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `flow-${i}`,
      name: `Flow ${i}`,
      version: '1',
      reentry: 'once',
      trigger: { event: `event-${i % 100}`, where: {} },
      actions: [],
    }));
    const index = buildIndex(flows);
    assert.equal(index.all().length, 10_000);
    assert.equal(index.get('flow-4242'), flows[4242]);
    const matched = index.forEvent('event-42');
    assert.equal(matched.length, 100);
    assert.ok(matched.every((f, i) => f.id === `flow-${42 + 100 * i}`));
  });

  it('refuses two flows with the same id', () => {
    const flow: Flow = {
      id: 'a',
      name: 'A',
      version: '1',
      reentry: 'once',
      trigger: { event: 'e', where: {} },
      actions: [],
    };
    assert.throws(() => buildIndex([flow, { ...flow }]), {
      message: 'flow "a": duplicate flow id "a"',
    });
  });
});

describe('npm run flows:check', () => {
  const check = (...paths: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/flows/check.ts', ...paths], {
      encoding: 'utf8',
    });

  it('prints each flow as its levels, after the properties its events need', () => {
    const { status, stdout } = check();
    assert.equal(status, 0);
    assert.match(
      stdout,
      /^welcome v[0-9a-f]{12} {2}on user\.signed_up {2}\(reentry once\)\n {2}needs properties\.name, properties\.plan\n {2}1 {2}welcome-email, crm\n {2}2 {2}wait-3d\n {2}3 {2}followup-email$/m,
    );
    assert.match(
      check(directory({ 'a.json': flowFile('a') })).stdout,
      /^ {2}needs no properties$/m,
    );
  });

  it('exits non-zero with every problem', () => {
    const dir = directory({
      'a.json': { ...flowFile('a'), actions: [{ id: 'x', type: 'nope', after: ['zz'] }] },
    });
    const { status, stderr } = check(dir);
    assert.equal(status, 1);
    assert.equal(
      stderr,
      [
        `${join(dir, 'a.json')}: action "x": type: unknown type "nope" (known: sendEmail, delay, webhook, waitForEvent, branch, split)`,
        `${join(dir, 'a.json')}: action "x": unknown parent "zz"`,
        '',
      ].join('\n'),
    );
  });
});
