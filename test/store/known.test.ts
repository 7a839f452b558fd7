import assert from 'node:assert/strict';
import type { Store } from '../../src/store/db';
import { recordEntries } from '../../src/store/entries';
import { knownUsers } from '../../src/store/known';
import { identify } from '../../src/store/profiles';
import { readKnown, recordEntered } from '../../src/ingest/known';
import type { Flow } from '../../src/flows/schema';
import { onEveryStore } from './backends';

onEveryStore('what ingest reads before a start,', (store) => {
  it('records a batch of entries in one go, each once, the first time kept', async () => {
    await recordEntries(store(), [{ flowId: 'welcome', userHash: 'h1' }]);
    const [{ first }] = await store().query<{ first: Date }>(
      'select entered_at as first from flow_entries',
    );
    await recordEntries(store(), [
      { flowId: 'welcome', userHash: 'h1' },
      { flowId: 'welcome', userHash: 'h2' },
      { flowId: 'welcome', userHash: 'h2' },
      { flowId: 'trial', userHash: 'h1' },
    ]);
    await recordEntries(store(), []);

    const rows = await store().query<{ flow_id: string; user_hash: string; entered_at: Date }>(
      'select flow_id, user_hash, entered_at from flow_entries order by flow_id, user_hash',
    );
    assert.deepEqual(
      rows.map((r) => `${r.flow_id}/${r.user_hash}`),
      ['trial/h1', 'welcome/h1', 'welcome/h2'],
    );
    assert.deepEqual(rows[1].entered_at, first);
  });

  it('finds traits, merged latest last, and only the entries asked about', async () => {
    // In one millisecond, user ids break the tie: the later call's id sorts first.
    await identify(store(), {
      userId: 'b',
      emailHash: 'h1',
      traits: { plan: 'free', name: 'Ada' },
    });
    await identify(store(), { userId: 'a', emailHash: 'h1', traits: { plan: 'pro' } });
    await identify(store(), { userId: 'c', emailHash: 'h3', traits: { plan: 'team' } });

    const known = await knownUsers(
      store(),
      ['h1', 'h2', 'h1'],
      [
        { flowId: 'welcome', userHash: 'h1' },
        { flowId: 'trial', userHash: 'h2' },
        { flowId: 'welcome', userHash: 'h9' },
      ],
    );

    assert.deepEqual(Object.fromEntries(known.traits), {
      h1: { plan: 'pro', name: 'Ada' },
    });
    // welcome/h2 and trial/h1 exist and pair the ids asked about, but were not asked about.
    assert.deepEqual(known.entered, [{ flowId: 'welcome', userHash: 'h1' }]);
    assert.deepEqual(await knownUsers(store(), [], []), { traits: new Map(), entered: [] });
  });

  it('shares one query among requests that come together, each given only its own users', async () => {
    const once = { id: 'welcome', reentry: 'once' } as Flow;
    const queries: string[] = [];
    const counted = {
      ...store(),
      query: ((text, params) => {
        queries.push(text);
        return store().query(text, params);
      }) as Store['query'],
    };
    await Promise.all([
      recordEntered(counted, [{ flowId: 'welcome', userHash: 'h5' }]),
      recordEntered(counted, [{ flowId: 'welcome', userHash: 'h6' }]),
    ]);
    assert.equal(queries.length, 1);

    const [first, second, none] = await Promise.all([
      readKnown(counted, [{ userHash: 'h1', flows: [once] }]),
      readKnown(counted, [{ userHash: 'h5', flows: [once] }]),
      readKnown(counted, [{ userHash: 'h7', flows: [] }]),
    ]);

    assert.equal(queries.length, 2);
    assert.deepEqual(first.traits('h1'), { plan: 'pro', name: 'Ada' });
    assert.equal(first.entered('welcome', 'h1'), true);
    assert.equal(first.entered('welcome', 'h5'), false, 'asked by another request');
    assert.equal(second.traits('h1'), undefined, 'asked by another request');
    assert.equal(second.entered('welcome', 'h5'), true);
    assert.equal(none.traits('h7'), undefined);
  });
});
