import assert from 'node:assert/strict';
import { userHash } from '../../src/ingest/identity';
import { hash32, splitPath } from '../../src/flows/split';
import { validateFlow } from '../../src/flows/validate';
import type { FlowFile } from '../../src/flows/schema';

const users = (n: number) => Array.from({ length: n }, (_, i) => userHash(`user-${i}@example.com`));

function shares(paths: Record<string, number>, flowId = 'promo', nodeId = 'ab') {
  const counts: Record<string, number> = Object.fromEntries(Object.keys(paths).map((p) => [p, 0]));
  for (const hash of users(10_000)) counts[splitPath(paths, { flowId, nodeId, userHash: hash })]++;
  return Object.fromEntries(Object.entries(counts).map(([path, n]) => [path, n / 10_000]));
}

describe('split', () => {
  it('gives 10,000 users each path within 2 % of its weight', () => {
    const cases: Record<string, number>[] = [
      { a: 50, b: 50 },
      { a: 10, b: 30, c: 60 },
      { control: 1, test: 3 },
    ];
    for (const paths of cases) {
      const total = Object.values(paths).reduce((sum, w) => sum + w, 0);
      const got = shares(paths);
      for (const [path, weight] of Object.entries(paths)) {
        const want = weight / total;
        assert.ok(Math.abs(got[path] - want) <= 0.02, `${path}: ${got[path]} for ${want}`);
      }
    }
  });

  it('sends nobody down a path of weight 0', () => {
    assert.deepEqual(shares({ off: 0, on: 1 }), { off: 0, on: 1 });
  });

  it('keeps a user on one path, whatever the order of the paths in the file', () => {
    for (const hash of users(200)) {
      const key = { flowId: 'promo', nodeId: 'ab', userHash: hash };
      const path = splitPath({ a: 50, b: 50 }, key);
      assert.equal(splitPath({ a: 50, b: 50 }, key), path);
      assert.equal(splitPath({ b: 50, a: 50 }, key), path);
    }
  });

  it('divides users independently in another flow or another split of the flow', () => {
    const paths = { a: 50, b: 50 };
    const hashes = users(4000);
    const pick = (flowId: string, nodeId: string) =>
      hashes.map((userHash) => splitPath(paths, { flowId, nodeId, userHash }));
    const agree = (x: string[], y: string[]) => x.filter((p, i) => p === y[i]).length / x.length;
    const first = pick('promo', 'ab');
    assert.ok(Math.abs(agree(first, pick('promo', 'second')) - 0.5) < 0.03);
    assert.ok(Math.abs(agree(first, pick('other-flow', 'ab')) - 0.5) < 0.03);
  });

  it('hashes the same as it always has: a change would move users to other paths', () => {
    assert.deepEqual(['', 'a', 'promo\nab\nuser'].map(hash32), [2872998923, 444641715, 2526228731]);
  });

  describe('in a flow file', () => {
    const flow = (actions: unknown[]): FlowFile =>
      ({ id: 'promo', name: 'Promo', trigger: { event: 'x' }, actions }) as FlowFile;
    const problems = async (file: FlowFile) => {
      const result = await validateFlow(file);
      return result.ok ? [] : result.problems.map((p) => `${p.node ?? ''}: ${p.message}`);
    };
    const mail = (id: string, after: string[]) => ({
      id,
      type: 'sendEmail',
      subject: id,
      body: id,
      after,
    });

    it('takes labelled edges that name its paths', async () => {
      const ok = flow([
        { id: 'ab', type: 'split', paths: { a: 50, b: 50 } },
        mail('offer_a', ['ab:a']),
        mail('offer_b', ['ab:b']),
        mail('both', ['ab']),
      ]);
      assert.deepEqual(await problems(ok), []);
    });

    it('refuses an edge naming no path, weights below 0, one path, no weight above 0', async () => {
      assert.deepEqual(
        await problems(
          flow([{ id: 'ab', type: 'split', paths: { a: 50, b: 50 } }, mail('c', ['ab:c'])]),
        ),
        ['c: "c" is not a path of split "ab" (paths: a, b)'],
      );
      assert.deepEqual(
        await problems(flow([{ id: 'ab', type: 'split', paths: { a: -1, b: 1 } }])),
        ['ab: paths.a: must be a weight of 0 or more'],
      );
      assert.deepEqual(await problems(flow([{ id: 'ab', type: 'split', paths: { a: 1 } }])), [
        'ab: paths: needs at least two paths',
      ]);
      assert.deepEqual(await problems(flow([{ id: 'ab', type: 'split', paths: { a: 0, b: 0 } }])), [
        'ab: paths: needs a path with a weight above 0',
      ]);
      assert.deepEqual(
        await problems(flow([{ id: 'ab', type: 'split', paths: { 'a:b': 1, c: 1 } }])),
        ['ab: paths["a:b"]: key must use only letters, digits, "_" and "-"'],
      );
    });
  });
});
