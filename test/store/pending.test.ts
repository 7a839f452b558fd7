import assert from 'node:assert/strict';
import {
  claimPending,
  completePending,
  countPending,
  postponePending,
  queuePending,
  type PendingOperation,
} from '../../src/store/pending';
import { onEveryStore } from './backends';

const signal = (workflowId: string, id: string): PendingOperation => ({
  kind: 'signal',
  workflowId,
  flowId: 'f',
  event: { name: 'go', id, properties: {} },
});

onEveryStore('pending operations', (store) => {
  it('hands each due operation to one claim at a time, again after its lease or a postponement', async () => {
    const [a, b] = [signal('w1', 'e1'), signal('w2', 'e2')];
    await queuePending(store(), [a, b]);
    await queuePending(store(), [a]);
    assert.equal(await countPending(store()), 2);

    const first = await claimPending(store(), 1, 60_000);
    const second = await claimPending(store(), 5, 60_000);
    assert.equal(first.length + second.length, 2);
    assert.deepEqual(await claimPending(store(), 5, 60_000), []);

    await postponePending(store(), first[0].operation, 0, 'tcp connect error');
    const again = await claimPending(store(), 5, 60_000);
    assert.deepEqual(
      again.map((c) => [c.operation, c.attempts]),
      [[first[0].operation, 1]],
    );

    await completePending(store(), a);
    await completePending(store(), b);
    assert.equal(await countPending(store()), 0);
  });

  it('takes back a claim whose lease ran out, as when its API process died', async () => {
    await queuePending(store(), [signal('w3', 'e3')]);
    const [claimed] = await claimPending(store(), 5, 0);
    const [taken] = await claimPending(store(), 5, 60_000);
    assert.deepEqual(taken.operation, claimed.operation);
    await completePending(store(), taken.operation);
  });
});
