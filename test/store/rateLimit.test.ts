import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/db';
import { endTurn, takeTurn, type Turn } from '../../src/store/rateLimit';
import { onEveryStore } from './backends';

const rate = { max: 4, perMs: 1000 };
const T = 1_700_000_000_000;

type Waiting = Extract<Turn, { go: false }>;

onEveryStore('the rate limiter', (store, where) => {
  // A limit of each test's own.
  let key: string;
  beforeEach(() => {
    key = `smtp-${randomUUID()}`;
  });

  it('lets a send go, and lines up the next ones an interval apart', async () => {
    assert.equal((await takeTurn(store(), key, rate, T)).go, true);
    assert.deepEqual(await takeTurn(store(), key, rate, T), {
      go: false,
      waitMs: 250,
      slot: T + 250,
    });
    assert.deepEqual(await takeTurn(store(), key, rate, T + 10), {
      go: false,
      waitMs: 490,
      slot: T + 500,
    });
  });

  it('leaves room in the line for the time sends take', async () => {
    const first = await takeTurn(store(), key, rate, T);
    assert.ok(first.go);
    await endTurn(store(), key, first.turn, T + 40);

    const next = await takeTurn(store(), key, rate, T + 40);
    const after = await takeTurn(store(), key, rate, T + 40);
    // A send counts for a window and its 40 ms: (1000 + 40) / 4 apart.
    assert.deepEqual(
      [next, after],
      [
        { go: false, waitMs: 210, slot: T + 250 },
        { go: false, waitMs: 470, slot: T + 510 },
      ],
    );
  });

  it('lets a send go at its slot', async () => {
    await takeTurn(store(), key, rate, T);
    const { slot } = (await takeTurn(store(), key, rate, T)) as Waiting;

    assert.equal((await takeTurn(store(), key, rate, slot + 30, slot)).go, true);
  });

  it('holds back sends that woke late, bunched, while max are under way or done in the window', async () => {
    const turns: string[] = [];
    const slots: number[] = [];
    for (let i = 0; i < 6; i++) {
      const turn = await takeTurn(store(), key, rate, T);
      if (turn.go) turns.push(turn.turn);
      else slots.push(turn.slot);
    }
    // All five woke at once, two seconds late; the first send is still under way.
    const late = T + 2000;
    for (const slot of slots.slice(0, 3)) {
      const turn = await takeTurn(store(), key, rate, late, slot);
      assert.ok(turn.go);
      turns.push(turn.turn);
    }
    // Four under way: the next may go a window after one ends, at the earliest.
    assert.deepEqual(await takeTurn(store(), key, rate, late, slots[3]), {
      go: false,
      waitMs: 1000,
      slot: slots[3],
    });
    for (const turn of turns) await endTurn(store(), key, turn, late + 10);

    assert.deepEqual(await takeTurn(store(), key, rate, late + 500, slots[3]), {
      go: false,
      waitMs: 510,
      slot: slots[3],
    });
    assert.equal((await takeTurn(store(), key, rate, late + 1010, slots[3])).go, true);
  });

  it('counts a send never said to be done for a minute: its worker died', async () => {
    const one = { max: 1, perMs: 1000 };
    await takeTurn(store(), key, one, T);
    const { slot } = (await takeTurn(store(), key, one, T)) as Waiting;

    assert.equal((await takeTurn(store(), key, one, T + 30_000, slot)).go, false);
    assert.equal((await takeTurn(store(), key, one, T + 61_001, slot)).go, true);
  });

  it('starts afresh after a quiet spell', async () => {
    await takeTurn(store(), key, rate, T);
    await takeTurn(store(), key, rate, T);

    assert.equal((await takeTurn(store(), key, rate, T + 120_000)).go, true);
  });

  it('keeps limits apart by key', async () => {
    await takeTurn(store(), key, rate, T);

    assert.equal((await takeTurn(store(), `${key}:other`, rate, T)).go, true);
  });

  it('gives every send of several workers its own slot', async () => {
    const workers = 'url' in where() ? [await openStore(where()), await openStore(where())] : [];
    try {
      const turns = await Promise.all(
        Array.from({ length: 20 }, (_, i) => takeTurn(workers[i % 2] ?? store(), key, rate, T)),
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
