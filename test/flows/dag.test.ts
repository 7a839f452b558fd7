import assert from 'node:assert/strict';
import { CycleError, Dag } from '../../src/flows/dag';
import { seeded } from './random';

function forSeeds(count: number, check: (seed: number) => void): void {
  for (let seed = 1; seed <= count; seed++) {
    try {
      check(seed);
    } catch (err) {
      (err as Error).message = `seed ${seed}: ${(err as Error).message}`;
      throw err;
    }
  }
}

function refusal(act: () => void): unknown {
  try {
    act();
  } catch (err) {
    return err;
  }
  return undefined;
}

function dagOf(ids: string[], edges: [string, string][]): Dag<null> {
  const dag = new Dag<null>();
  for (const id of ids) dag.addNode(id, null);
  for (const [from, to] of edges) dag.addEdge(from, to);
  return dag;
}

function snapshot(dag: Dag<unknown>) {
  return dag.ids().map((id) => ({ id, parents: dag.parents(id), children: dag.children(id) }));
}

/** The reference stable order: repeatedly take the earliest inserted node whose parents are done. */
function naiveOrder(dag: Dag<unknown>): string[] {
  const done: string[] = [];
  while (done.length < dag.ids().length) {
    const next = dag
      .ids()
      .find((id) => !done.includes(id) && dag.parents(id).every((p) => done.includes(p)));
    done.push(next as string);
  }
  return done;
}

function shortestPathLength(dag: Dag<unknown>, from: string, to: string): number {
  let frontier = [from];
  const seen = new Set(frontier);
  for (let steps = 0; frontier.length > 0; steps++) {
    if (frontier.includes(to)) return steps;
    frontier = frontier
      .flatMap((id) => dag.children(id))
      .filter((id) => !seen.has(id) && seen.add(id));
  }
  return Infinity;
}

/** A random DAG: edges only go forward in a hidden order, unrelated to insertion order. */
function randomDag(seed: number) {
  const random = seeded(seed);
  const size = 2 + random.int(40);
  const hidden = random.shuffle(Array.from({ length: size }, (_, i) => `n${i}`));
  const edges: [string, string][] = [];
  const density = random.next() * 0.3;
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++)
      if (random.next() < density) edges.push([hidden[i], hidden[j]]);
  }
  return { random, dag: dagOf(random.shuffle(hidden), random.shuffle(edges)), edges };
}

describe('Dag', () => {
  it('refuses duplicate nodes and edges to unknown nodes', () => {
    const dag = dagOf(['a'], []);
    assert.throws(() => dag.addNode('a', null), /duplicate node "a"/);
    assert.throws(() => dag.addEdge('a', 'zz'), /unknown node "zz"/);
    assert.throws(() => dag.addEdge('zz', 'a'), /unknown node "zz"/);
  });

  it('gives parents and children, and ignores an edge added twice', () => {
    const dag = dagOf(
      ['a', 'b', 'c'],
      [
        ['a', 'c'],
        ['b', 'c'],
        ['a', 'c'],
      ],
    );
    assert.deepEqual(dag.parents('c'), ['a', 'b']);
    assert.deepEqual(dag.children('a'), ['c']);
    assert.deepEqual(dag.parents('a'), []);
  });

  it('refuses an edge closing a cycle, names the cycle and leaves the graph unchanged', () => {
    const dag = dagOf(
      ['a', 'b', 'c'],
      [
        ['a', 'b'],
        ['b', 'c'],
      ],
    );
    const before = snapshot(dag);
    assert.throws(
      () => dag.addEdge('c', 'a'),
      (err: unknown) => err instanceof CycleError && err.message === 'cycle: a → b → c → a',
    );
    assert.throws(() => dag.addEdge('a', 'a'), { message: 'cycle: a → a' });
    assert.deepEqual(snapshot(dag), before);
  });

  it('sorts topologically, keeping insertion order among ready nodes', () => {
    const dag = dagOf(
      ['late', 'x', 'early', 'y'],
      [
        ['early', 'late'],
        ['x', 'y'],
      ],
    );
    assert.deepEqual(dag.topologicalSort(), ['x', 'early', 'late', 'y']);
  });

  it('groups nodes in levels one below their deepest parent', () => {
    const dag = dagOf(
      ['root', 'a', 'b', 'c', 'd'],
      [
        ['root', 'a'],
        ['root', 'b'],
        ['a', 'c'],
        ['c', 'd'],
        ['b', 'd'],
      ],
    );
    assert.deepEqual(dag.levels(), [['root'], ['a', 'b'], ['c'], ['d']]);
  });

  it('orders 300 random DAGs stably, respecting every edge, with consistent levels', () => {
    forSeeds(300, (seed) => {
      const { dag, edges } = randomDag(seed);
      const order = dag.topologicalSort();
      assert.deepEqual([...order].sort(), [...dag.ids()].sort());
      const position = new Map(order.map((id, i) => [id, i]));
      for (const [from, to] of edges) {
        assert.ok((position.get(from) as number) < (position.get(to) as number), `${from} → ${to}`);
      }
      assert.deepEqual(order, naiveOrder(dag));

      const levels = dag.levels();
      const level = new Map(levels.flatMap((ids, i) => ids.map((id) => [id, i] as const)));
      for (const id of dag.ids()) {
        const parents = dag.parents(id).map((p) => level.get(p) as number);
        assert.equal(level.get(id), parents.length === 0 ? 0 : 1 + Math.max(...parents));
      }
      for (const ids of levels) {
        const inserted = dag.ids().filter((id) => ids.includes(id));
        assert.deepEqual(ids, inserted, 'insertion order within a level');
      }
    });
  });

  it('refuses random back-edges in 300 random DAGs, with their cycle, the graph unchanged', () => {
    forSeeds(300, (seed) => {
      const { random, dag, edges } = randomDag(seed);
      for (let attempt = 0; attempt < 5 && edges.length > 0; attempt++) {
        // Walk down from a random edge to a node reachable from `top`, then close the loop.
        let [top, bottom] = edges[random.int(edges.length)];
        for (let below = dag.children(bottom); below.length > 0 && random.next() < 0.7;) {
          bottom = below[random.int(below.length)];
          below = dag.children(bottom);
        }
        if (random.next() < 0.1) top = bottom;
        const before = snapshot(dag);
        const err = refusal(() => dag.addEdge(bottom, top));
        assert.ok(err instanceof CycleError, `${bottom} → ${top} refused with a CycleError`);
        const { cycle } = err;
        assert.equal(cycle[0], top);
        assert.equal(cycle.at(-2), bottom);
        assert.equal(cycle.at(-1), top);
        for (let i = 0; i < cycle.length - 2; i++) {
          assert.ok(dag.children(cycle[i]).includes(cycle[i + 1]), `${cycle[i]} → ${cycle[i + 1]}`);
        }
        assert.equal(cycle.length - 2, shortestPathLength(dag, top, bottom), 'a shortest path');
        assert.equal(err.message, `cycle: ${cycle.join(' → ')}`);
        assert.deepEqual(snapshot(dag), before);
      }
    });
  });

  it('handles 10,000 nodes in a chain and in a star', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `n${i}`);
    const chain = dagOf(
      ids,
      ids.slice(1).map((id, i) => [ids[i], id]),
    );
    assert.deepEqual(chain.topologicalSort(), ids);
    assert.equal(chain.levels().length, ids.length);
    const star = dagOf(
      ids,
      ids.slice(1).map((id) => [ids[0], id]),
    );
    assert.deepEqual(star.levels(), [[ids[0]], ids.slice(1)]);
  });
});
