import assert from 'node:assert/strict';
import type { FlowFile } from '../../src/flows/schema';
import { validateFlow } from '../../src/flows/validate';

const base = (actions: FlowFile['actions'], reentry: FlowFile['reentry'] = 'once'): FlowFile => ({
  id: 'paths',
  name: 'Paths',
  reentry,
  trigger: { event: 'go' },
  actions,
});

const problems = async (file: FlowFile) => {
  const result = await validateFlow(file, 'paths.json');
  return result.ok ? [] : result.problems.map((p) => `${p.node ?? ''}: ${p.message}`);
};

const wait = { id: 'w', type: 'waitForEvent', event: 'done', timeout: '1h' } as const;
const hook = (id: string, after: string[]) => ({ id, type: 'webhook' as const, url: '/x', after });

describe('flow paths: branch and waitForEvent', () => {
  it('accepts edges labelled with the outcomes of the parent type', async () => {
    const file = base([
      wait,
      { id: 'b', type: 'branch', on: 'w', where: { ok: true }, after: ['w:received'] },
      hook('yes', ['b:true']),
      hook('no', ['b:false']),
      hook('late', ['w:timedOut']),
    ]);
    assert.deepEqual(await problems(file), []);
  });

  it('refuses a label that is not an outcome of the parent, naming the known ones', async () => {
    const found = await problems(base([wait, hook('x', ['w:maybe']), hook('y', ['x:ok'])]));
    assert.deepEqual(found, [
      'x: "maybe" is not an outcome of "w" (waitForEvent outcomes: received, timedOut)',
      'y: "ok" is not an outcome of "x" (webhook outcomes: none)',
    ]);
  });

  it('refuses a wait in an every-event flow, whose runs a later event cannot address', async () => {
    const [problem] = await problems(base([wait], 'every-event'));
    assert.match(problem, /^w: waitForEvent needs reentry "once" or "after-exit"/);
  });

  it('refuses a branch on a node that is not a waitForEvent above it', async () => {
    const found = await problems(
      base([
        wait,
        hook('h', []),
        { id: 'b1', type: 'branch', on: 'h', where: {}, after: ['w'] },
        { id: 'b2', type: 'branch', on: 'w', where: {} },
      ]),
    );
    assert.equal(found.length, 2);
    assert.match(found[0], /^b1: on: "h" is not a waitForEvent node above this branch/);
    assert.match(found[1], /^b2: on: "w" is not a waitForEvent node above this branch/);
  });

  it('checks templates that read a received event against the sample', async () => {
    const file: FlowFile = {
      ...base([
        wait,
        {
          id: 'm',
          type: 'sendEmail',
          after: ['w:received'],
          subject: '{{ nodes.w.properties.order }}',
          body: 'x',
        },
      ]),
      sample: { email: 's@example.com', received: { w: { order: 'A-1' } } },
    };
    assert.deepEqual(await problems(file), []);
    const missing = { ...file, sample: { email: 's@example.com' } };
    assert.match((await problems(missing))[0], /^m: subject: fails on the sample: .*order/);
  });
});
