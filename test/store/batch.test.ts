import assert from 'node:assert/strict';
import { batched } from '../../src/store/batch';

describe('batched store work', () => {
  it('gives each caller its own result, many callers sharing one batch', async () => {
    const batches: number[][] = [];
    const double = batched(async (items: number[]) => {
      batches.push(items);
      return items.map((i) => i * 2);
    }, 100);

    const results = await Promise.all([1, 2, 3, 4, 5].map(double));

    assert.deepEqual(results, [2, 4, 6, 8, 10]);
    assert.deepEqual(batches, [[1, 2, 3, 4, 5]]);
  });

  it('sends what comes while a batch is under way as the next batch, never two at once', async () => {
    const batches: number[][] = [];
    let running = 0;
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const echo = batched(async (items: number[]) => {
      running++;
      assert.equal(running, 1);
      batches.push(items);
      if (batches.length === 1) await firstHeld;
      running--;
      return items;
    }, 100);

    const first = echo(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [echo(2), echo(3)];
    release();

    assert.deepEqual(await Promise.all([first, ...later]), [1, 2, 3]);
    assert.deepEqual(batches, [[1], [2, 3]]);
  });

  it('keeps a batch to its greatest size', async () => {
    const sizes: number[] = [];
    const count = batched(async (items: number[]) => {
      sizes.push(items.length);
      return items;
    }, 2);

    await Promise.all([1, 2, 3, 4, 5].map(count));

    assert.deepEqual(sizes, [2, 2, 1]);
  });

  it("fails every caller of a batch whose work fails, and answers the next batch's", async () => {
    let fail = true;
    const flaky = batched(async (items: string[]) => {
      if (fail) throw new Error('the store is down');
      return items;
    }, 100);

    const failed = await Promise.allSettled([flaky('a'), flaky('b')]);
    fail = false;

    assert.deepEqual(
      failed.map((r) => r.status === 'rejected' && (r.reason as Error).message),
      ['the store is down', 'the store is down'],
    );
    assert.equal(await flaky('c'), 'c');
  });
});
