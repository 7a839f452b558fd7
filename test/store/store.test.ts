import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/db';
import { migrations } from '../../src/store/migrations';
import { freePort } from '../harness/devServer';
import { backends } from './backends';

const latest = migrations.at(-1)!.version;

for (const backend of backends) {
  describe(`the store on ${backend.name}`, function () {
    // A new PGlite folder runs initdb, which takes seconds on a busy machine.
    this.timeout(120_000);
    const opened: Store[] = [];
    const open = async (where: Parameters<typeof openStore>[0]) => {
      const store = await openStore(where);
      opened.push(store);
      return store;
    };
    after(() => Promise.all(opened.map((s) => s.close())));

    const applied = (store: Store) =>
      store.query<{ version: number; name: string; applied_at: Date }>(
        'select version, name, applied_at from schema_migrations order by version',
      );

    it('brings a new store to the latest schema at open, and a reopened one is left as it is', async () => {
      const where = await backend.fresh();
      const first = await open(where);
      const before = await applied(first);
      await first.close();
      opened.pop();

      assert.deepEqual(
        before.map((m) => [m.version, m.name]),
        migrations.map((m) => [m.version, m.name]),
      );
      const reopened = await open(where);
      assert.deepEqual(await applied(reopened), before);
      assert.deepEqual(await reopened.query('select * from deliveries'), []);
    });

    it('refuses to open a store whose schema a newer Socktech wrote', async () => {
      const where = await backend.fresh();
      const store = await open(where);
      await store.query(`insert into schema_migrations (version, name) values ($1, 'future')`, [
        latest + 1,
      ]);
      await store.close();
      opened.pop();

      await assert.rejects(
        openStore(where),
        new RegExp(
          `schema is at version ${latest + 1}, but this Socktech knows versions up to ${latest}: run a newer Socktech`,
        ),
      );
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      const store = await open(await backend.fresh());
      await store.exec('create table notes (text text primary key)');

      await store.transaction((tx) => tx.query(`insert into notes values ('kept')`));
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.query(`insert into notes values ('dropped')`);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );

      assert.deepEqual(await store.query('select text from notes'), [{ text: 'kept' }]);
      await store.ping();
    });
  });
}

describe('the store on PostgreSQL, shared by several processes', () => {
  it('migrates once when two processes open a new database at the same time', async () => {
    const where = await backends[1].fresh();
    const stores = await Promise.all([openStore(where), openStore(where)]);
    try {
      const [rows] = await Promise.all(
        stores.map((s) => s.query<{ version: number }>('select version from schema_migrations')),
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        migrations.map((m) => m.version),
      );
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('fails to open, naming the reason, when the server is not there', async () => {
    const port = await freePort();
    await assert.rejects(
      openStore({ url: `postgres://postgres@127.0.0.1:${port}/socktech` }),
      new RegExp(`ECONNREFUSED 127.0.0.1:${port}`),
    );
  });
});
