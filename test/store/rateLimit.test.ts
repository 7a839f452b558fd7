import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openStore, type Store, type StoreLocation } from '../../src/store/db';
import { takeTurn, type Turn } from '../../src/store/rateLimit';
import { backends } from './backends';

const rate = { max: 4, perMs: 1000 };
const T = 1_700_000_000_000;

for (const backend of backends) {
  describe(`the rate limiter on ${backend.name}`, function () {
    this.timeout(120_000);
    let where: StoreLocation;
    let store: Store;
    before(async () => {
      where = await backend.fresh();
      store = await openStore(where);
    });
    after(() => store?.close());

    // A limit of each test's own.
    let key: string;
    beforeEach(() => {
      key = `smtp-${randomUUID()}`;
    });

    it('lets a send go, and lines up the next ones an interval apart', async () => {
      assert.deepEqual(await takeTurn(store, key, rate, T), { go: true });
      assert.deepEqual(await takeTurn(store, key, rate, T), {
        go: false,
        waitMs: 250,
        slot: T + 250,
      });
      assert.deepEqual(await takeTurn(store, key, rate, T + 10), {
        go: false,
        waitMs: 490,
        slot: T + 500,
      });
    });

    it('lets a send go at its slot', async () => {
      await takeTurn(store, key, rate, T);
      const { slot } = (await takeTurn(store, key, rate, T)) as Extract<Turn, { go: false }>;

      assert.deepEqual(await takeTurn(store, key, rate, slot + 30, slot), { go: true });
    });

    it('holds back sends that woke late, bunched, past max in any window', async () => {
      const slots: number[] = [];
      for (let i = 0; i < 6; i++) {
        const turn = await takeTurn(store, key, rate, T);
        if (!turn.go) slots.push(turn.slot);
      }
      // All five woke at once, a second late: four may go, the last once the first is a window old.
      const late = T + 2000;
      const turns = [];
      for (const slot of slots) turns.push(await takeTurn(store, key, rate, late, slot));

      assert.deepEqual(turns.slice(0, 4), Array(4).fill({ go: true }));
      assert.deepEqual(turns[4], { go: false, waitMs: 1000, slot: slots[4] });
      assert.deepEqual(await takeTurn(store, key, rate, late + 1000, slots[4]), { go: true });
    });

    it('starts afresh after a quiet spell', async () => {
      await takeTurn(store, key, rate, T);
      await takeTurn(store, key, rate, T);

      assert.deepEqual(await takeTurn(store, key, rate, T + 60_000), { go: true });
    });

    it('keeps limits apart by key', async () => {
      await takeTurn(store, key, rate, T);

      assert.deepEqual(await takeTurn(store, `${key}:other`, rate, T), { go: true });
    });

    it('gives every send of several workers its own slot', async () => {
      const workers = 'url' in where ? [await openStore(where), await openStore(where)] : [];
      try {
        const turns = await Promise.all(
          Array.from({ length: 20 }, (_, i) => takeTurn(workers[i % 2] ?? store, key, rate, T)),
        );
        const slots = turns.map((t) => (t.go ? T : t.slot)).sort((a, b) => a - b);

        assert.deepEqual(
          slots,
          Array.from({ length: 20 }, (_, i) => T + i * 250),
        );
      } finally {
        await Promise.all(workers.map((w) => w.close()));
      }
    });
  });
}
