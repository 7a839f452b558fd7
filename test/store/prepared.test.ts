import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { openEmbedded } from '../../src/store/embedded';
import { preparedQueries } from '../../src/store/prepared';

describe('PGlite statements prepared once', () => {
  let db: PGlite;
  let query: Awaited<ReturnType<typeof preparedQueries>>['query'];

  before(async () => {
    db = await PGlite.create();
    ({ query } = await preparedQueries(db));
    await db.exec(`create table sends (
      id text primary key, n int, at timestamptz, tags text[], doc jsonb, note text)`);
  });
  after(() => db.close());

  const preparedCount = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements')).rows[0]
      .n;

  it('answers as query does, for every type the store uses, and prepares a text once', async () => {
    const insert = 'insert into sends (id, n, at, tags, doc, note) values ($1, $2, $3, $4, $5, $6)';
    const at = new Date('2026-01-02T03:04:05.678Z');
    await query(insert, ['a', 7, at, ['x', 'y'], { deep: [1, { b: null }] }, null]);
    await query(insert, ['b', -1, at.toISOString(), [], [], 'ünïcode ✓']);

    const select = 'select * from sends where id = any($1) order by id';
    const rows = await query(select, [['a', 'b', 'none']]);
    assert.deepEqual(rows, (await db.query(select, [['a', 'b', 'none']])).rows);
    assert.deepEqual(rows[0], {
      id: 'a',
      n: 7,
      at,
      tags: ['x', 'y'],
      doc: { deep: [1, { b: null }] },
      note: null,
    });
    assert.deepEqual(await query(insert, ['c', 1, at, [], {}, 'x']), []);

    const before = await preparedCount();
    for (let i = 0; i < 10; i++) await query(select, [[String(i)]]);
    assert.equal(await preparedCount(), before);
  });

  const plans = async (statement: string) =>
    (
      await db.query<{ generic_plans: number; custom_plans: number }>(
        `select generic_plans::int, custom_plans::int from pg_prepared_statements
         where statement = $1`,
        [statement],
      )
    ).rows;

  it('plans each run with its values, unless asked to plan once, one run after another', async () => {
    // The form of the store's batched statements, which PostgreSQL would plan once for all.
    const select = 'select s.id from sends s join unnest($1::text[]) k (id) using (id)';
    const byKey = 'select id from sends where id = $1';
    for (let i = 0; i < 10; i++) {
      await query(select, [['a']]);
      await query(byKey, ['a'], { planOnce: true });
    }
    assert.deepEqual(await plans(select), [{ generic_plans: 0, custom_plans: 10 }]);
    assert.deepEqual(await plans(byKey), [{ generic_plans: 10, custom_plans: 0 }]);
  });

  it("plans a transaction's statements at each run, after a statement planned once", async () => {
    const store = await openEmbedded();
    try {
      await store.query('select 1 where $1::int = 1', [1], { planOnce: true });
      const mode = await store.transaction((tx) => tx.query('show plan_cache_mode'));
      assert.deepEqual(mode, [{ plan_cache_mode: 'force_custom_plan' }]);
      const after = await store.query('select current_setting($1) as mode', ['plan_cache_mode']);
      assert.deepEqual(after, [{ mode: 'force_custom_plan' }]);
    } finally {
      await store.close();
    }
  });

  it('throws the server’s error, and the next statements run', async () => {
    await assert.rejects(
      query('insert into sends (id) values ($1)', ['a']),
      (err: { code?: string }) => err.code === '23505',
    );
    await assert.rejects(query('select nothing from nowhere where x = $1', [1]));
    assert.deepEqual(await query('select id from sends where id = $1', ['a']), [{ id: 'a' }]);
  });

  it('answers `select *` after its table gained a column', async () => {
    const select = 'select * from sends where id = $1';
    await query(select, ['a']);
    await db.exec('alter table sends add column later text');

    const [row] = await query<{ later: string | null }>(select, ['a']);
    assert.equal(row.later, null);
  });

  it('runs many at once, in and beside a transaction, each with its own answer', async () => {
    const reads = Array.from({ length: 50 }, (_, i) =>
      query<{ n: number }>('select $1::int * 2 as n', [i]),
    );
    const write = db.transaction(async (tx) => {
      await tx.query('insert into sends (id, n) values ($1, $2)', ['tx', 1]);
      await tx.query('update sends set n = n + 1 where id = $1', ['tx']);
    });
    const answers = await Promise.all(reads);
    await write;

    assert.deepEqual(
      answers.map(([r]) => r.n),
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
    assert.deepEqual(await query('select n from sends where id = $1', ['tx']), [{ n: 2 }]);
  });
});
