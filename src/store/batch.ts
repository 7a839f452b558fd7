import type { Sql } from './db';

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(err: unknown): void;
}

/**
 * Runs `work` on items in batches, one batch at a time: the items that come in the same turn of
 * the event loop, or while a batch is under way, go together next. A busy store so gets one
 * statement (and one commit) for many items, and an idle one waits no more than that turn.
 * `work` gives one result per item, in order. Each caller awaits its own item, so nothing is
 * answered before the statement has succeeded; when it fails, every item of the batch fails with
 * its error, as each would have alone (the store is down or stuck).
 */
export function batched<I, R>(
  work: (items: I[]) => Promise<R[]>,
  maxSize: number,
): (item: I) => Promise<R> {
  const queue: Waiting<I, R>[] = [];
  let running = false;
  const drain = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxSize);
      try {
        const results = await work(batch.map((w) => w.item));
        batch.forEach((w, i) => w.resolve(results[i]));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = false;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}

/** `batched` for each store (or transaction) on its own, its queue made on first use. */
export function batchedPerSql<I, R>(
  work: (sql: Sql, items: I[]) => Promise<R[]>,
  maxSize: number,
): (sql: Sql, item: I) => Promise<R> {
  const queues = new WeakMap<Sql, (item: I) => Promise<R>>();
  return (sql, item) => {
    let queue = queues.get(sql);
    if (!queue) {
      queue = batched((items: I[]) => work(sql, items), maxSize);
      queues.set(sql, queue);
    }
    return queue(item);
  };
}
