import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { userHash } from '../../src/ingest/identity';
import type { Sql } from '../../src/store/db';
import { recordEntries, type Entry } from '../../src/store/entries';
import { knownUsers } from '../../src/store/known';
import { testFlow } from '../harness/flows';
import { harness } from '../harness/hooks';
import { startSocktech, type Socktech } from '../harness/socktech';
import { waitUntil } from '../harness/waitUntil';
import { onEveryStore } from './backends';

const enteredAmong = async (store: Sql, entries: Entry[]) =>
  (await knownUsers(store, [], entries)).entered;

onEveryStore('once-flow entries', (store) => {
  it('finds the entries recorded, once each, among those asked for', async () => {
    await recordEntries(store(), [{ flowId: 'welcome', userHash: 'h1' }]);
    await recordEntries(store(), [{ flowId: 'welcome', userHash: 'h1' }]);
    await recordEntries(store(), [{ flowId: 'trial', userHash: 'h2' }]);

    const found = await enteredAmong(store(), [
      { flowId: 'welcome', userHash: 'h1' },
      { flowId: 'welcome', userHash: 'h2' },
      { flowId: 'trial', userHash: 'h2' },
      { flowId: 'trial', userHash: 'h1' },
    ]);

    assert.deepEqual(found.map((e) => `${e.flowId}/${e.userHash}`).sort(), [
      'trial/h2',
      'welcome/h1',
    ]);
    assert.deepEqual(await enteredAmong(store(), []), []);
    const [{ count }] = await store().query<{ count: number }>(
      'select count(*)::int as count from flow_entries',
    );
    assert.equal(count, 2);
  });
});

describe('a once flow beyond Temporal retention', function () {
  // Temporal deletes a run in the background, in up to 20 s on a busy machine.
  this.timeout(120_000);
  let socktech: Socktech;

  before(async () => {
    const hook = { id: 'hook', type: 'webhook' as const, url: `${harness().webhooks.url}/once` };
    socktech = await startSocktech([
      await testFlow({
        id: 'once-kept',
        name: 'Once kept',
        trigger: { event: 'once.kept' },
        actions: [hook],
      }),
      await testFlow({
        id: 'again-kept',
        name: 'Again',
        reentry: 'after-exit',
        trigger: { event: 'once.kept' },
        actions: [hook],
      }),
    ]);
  });
  after(() => socktech.stop());

  const outcomes = async (email: string) => {
    const { status, body } = await socktech.post('/v1/events', { name: 'once.kept', email });
    assert.equal(status, 202);
    return Object.fromEntries(
      body.events[0].matched.map((m: { flowId: string; outcome: string }) => [m.flowId, m.outcome]),
    );
  };

  /** What the namespace's retention does to a closed run: Temporal forgets it. */
  const forget = async (workflowId: string) => {
    const { client } = socktech;
    await client.workflow.getHandle(workflowId).result();
    await client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId },
    });
    await waitUntil(
      () =>
        client.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            () => false,
            (err: unknown) => err instanceof WorkflowNotFoundError,
          ),
      'Temporal to forget the run',
      60_000,
    );
  };

  it('keeps a user who entered out after Temporal forgot the run', async () => {
    const email = `once-${randomUUID()}@example.com`;
    const onceId = `once-kept:${userHash(email)}`;
    assert.deepEqual(await outcomes(email), { 'once-kept': 'started', 'again-kept': 'started' });
    await forget(onceId);
    await socktech.client.workflow.getHandle(`again-kept:${userHash(email)}`).result();

    assert.deepEqual(await outcomes(email), { 'once-kept': 'duplicate', 'again-kept': 'started' });

    await assert.rejects(
      socktech.client.workflow.getHandle(onceId).describe(),
      WorkflowNotFoundError,
      'no second run of the once flow',
    );
    const entered = await enteredAmong(harness().store, [
      { flowId: 'once-kept', userHash: userHash(email) },
      { flowId: 'again-kept', userHash: userHash(email) },
    ]);
    assert.deepEqual(entered, [{ flowId: 'once-kept', userHash: userHash(email) }]);
  });

  it('records an entry lost between start and record on the duplicate Temporal reports', async () => {
    const email = `mended-${randomUUID()}@example.com`;
    const entry = { flowId: 'once-kept', userHash: userHash(email) };
    assert.equal((await outcomes(email))['once-kept'], 'started');
    // As if the API had crashed right after the start.
    await harness().store.query('delete from flow_entries where flow_id = $1 and user_hash = $2', [
      entry.flowId,
      entry.userHash,
    ]);

    assert.equal((await outcomes(email))['once-kept'], 'duplicate');

    assert.deepEqual(await enteredAmong(harness().store, [entry]), [entry]);
  });
});
