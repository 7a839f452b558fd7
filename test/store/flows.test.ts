import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importFlowFiles, openCatalog } from '../../src/flows/catalog';
import { exportFlows } from '../../src/flows/export';
import { openStore, type Store } from '../../src/store/db';
import {
  archive,
  catalogStamp,
  createFlow,
  findFlow,
  FlowStoreError,
  listAudit,
  listVersions,
  publish,
  publishedFlows,
  readDefinition,
  rollback,
  saveDraft,
} from '../../src/store/flows';
import { waitUntil } from '../harness/waitUntil';
import { backends } from './backends';

const definition = (id: string, subject = 'Hello') => ({
  id,
  name: `Flow ${id}`,
  trigger: { event: `${id}.signup` },
  actions: [{ id: 'hello', type: 'sendEmail', subject, body: '<p>Hi</p>' }],
});

const refused = (reason: string, message?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof FlowStoreError, String(err));
  assert.equal(err.reason, reason);
  if (message) assert.match(err.message, message);
  return true;
};

for (const backend of backends) {
  describe(`the flow store on ${backend.name}`, function () {
    this.timeout(120_000);
    let store: Store;
    const folders: string[] = [];
    before(async () => {
      store = await openStore(await backend.fresh());
    });
    after(async () => {
      await store?.close();
      for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    });
    const flowsFolder = (files: Record<string, unknown>) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'socktech-flow-files-'));
      folders.push(dir);
      for (const [name, content] of Object.entries(files)) {
        writeFileSync(path.join(dir, name), JSON.stringify(content, null, 2));
      }
      return dir;
    };

    it('keeps every save as a version, publishes the head and rolls back to an earlier one', async () => {
      const created = await createFlow(store, 'versions', definition('versions', 'One'), 'ada');
      assert.deepEqual(
        { head: created.head, published: created.published, name: created.name },
        { head: 1, published: null, name: 'Flow versions' },
      );
      assert.deepEqual(await publishedFlows(store), []);

      await publish(store, 'versions', 1, 'ada');
      await saveDraft(store, 'versions', 1, definition('versions', 'Two'), 'bob');
      assert.equal((await findFlow(store, 'versions'))?.published, 1, 'a draft is not published');
      const second = await publish(store, 'versions', 2, 'bob');
      assert.deepEqual([second.head, second.published], [2, 2]);
      const subject = async () => {
        const [flow] = (await publishedFlows(store)).filter((f) => f.id === 'versions');
        return flow.actions[0].type === 'sendEmail' && flow.actions[0].subject;
      };
      assert.equal(await subject(), 'Two');

      const back = await rollback(store, 'versions', 2, 1, 'cy');
      assert.deepEqual([back.head, back.published], [3, 3]);
      assert.equal(await subject(), 'One');
      assert.deepEqual(
        (await readDefinition(store, 'versions'))?.definition,
        definition('versions', 'One'),
      );

      const versions = await listVersions(store, 'versions');
      assert.deepEqual(
        versions.map((v) => [v.version, v.createdBy, v.rollbackOf]),
        [
          [3, 'cy', 1],
          [2, 'bob', null],
          [1, 'ada', null],
        ],
      );
      const audit = await listAudit(store, 'versions');
      assert.deepEqual(
        audit.map((a) => [a.action, a.version, a.actor]),
        [
          ['create', 1, 'ada'],
          ['publish', 1, 'ada'],
          ['draft', 2, 'bob'],
          ['publish', 2, 'bob'],
          ['rollback', 3, 'cy'],
        ],
      );
      assert.ok(audit.every((a) => Math.abs(a.at.getTime() - Date.now()) < 60_000));
    });

    it('refuses a change based on a version that is no longer the head, and keeps the other', async () => {
      await createFlow(store, 'stale', definition('stale'), 'ada');
      await saveDraft(store, 'stale', 1, definition('stale', "Ada's"), 'ada');

      await assert.rejects(
        saveDraft(store, 'stale', 1, definition('stale', "Bob's"), 'bob'),
        refused('stale', /flow "stale" is at version 2, not 1/),
      );
      await assert.rejects(publish(store, 'stale', 1, 'bob'), refused('stale'));
      await assert.rejects(archive(store, 'stale', 1, 'bob'), refused('stale'));
      await assert.rejects(rollback(store, 'stale', 1, 1, 'bob'), refused('stale'));
      assert.deepEqual(
        (await readDefinition(store, 'stale'))?.definition,
        definition('stale', "Ada's"),
      );
      await assert.rejects(
        createFlow(store, 'stale', definition('stale'), 'bob'),
        refused('exists'),
      );
      await assert.rejects(
        saveDraft(store, 'nope', 1, definition('nope'), 'bob'),
        refused('missing'),
      );
    });

    it('lets exactly one of two editors who read the same version save', async () => {
      await createFlow(store, 'race', definition('race'), 'ada');
      const results = await Promise.allSettled(
        ['ada', 'bob', 'cy', 'dee'].map((who) =>
          saveDraft(store, 'race', 1, definition('race', who), who),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        refused('stale')((r as PromiseRejectedResult).reason);
      }
      assert.equal((await findFlow(store, 'race'))?.head, 2);
    });

    it('publishes only a valid head, listing every problem by node, a cycle by its path', async () => {
      const broken = {
        ...definition('broken'),
        actions: [
          { id: 'a', type: 'sendEmail', after: ['c'], subject: 'A', body: 'a' },
          { id: 'b', type: 'delay', after: ['a'], duration: 'soon' },
          { id: 'c', type: 'webhook', after: ['b'], url: '/c' },
        ],
      };
      await createFlow(store, 'broken', broken, 'ada');
      const error = await publish(store, 'broken', 1, 'ada').then(
        () => assert.fail('published'),
        (err: FlowStoreError) => err,
      );
      refused('invalid', /version 1 of flow "broken" is not valid/)(error);
      assert.deepEqual(
        error.problems.map((p) => [p.node, p.message]),
        [
          [
            'b',
            'duration: "soon" is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"',
          ],
          ['c', 'cycle: c → a → b → c'],
        ],
      );
      assert.equal((await findFlow(store, 'broken'))?.published, null);
      await assert.rejects(
        rollback(store, 'broken', 1, 7, 'ada'),
        refused('no-version', /no version 7 \(its versions are 1 to 1\)/),
      );
    });

    it('stops matching an archived flow, and brings it back when published again', async () => {
      await createFlow(store, 'archived', definition('archived'), 'ada');
      await publish(store, 'archived', 1, 'ada');
      const ids = async () => (await publishedFlows(store)).map((f) => f.id);
      assert.ok((await ids()).includes('archived'));

      const stamp = await catalogStamp(store);
      assert.equal((await archive(store, 'archived', 1, 'bob')).archived, true);
      assert.ok(!(await ids()).includes('archived'));
      assert.ok((await catalogStamp(store)) > stamp);

      assert.equal((await publish(store, 'archived', 1, 'cy')).archived, false);
      assert.ok((await ids()).includes('archived'));
    });

    it('imports new and changed files, and leaves a flow edited over the API to an unchanged file', async () => {
      const files = { 'kept.json': definition('kept'), 'edited.json': definition('edited') };
      const dir = flowsFolder(files);
      const outcomes = async () =>
        (await importFlowFiles(store, dir)).map((i) => [i.id, i.outcome]);

      assert.deepEqual(await outcomes(), [
        ['edited', 'created'],
        ['kept', 'created'],
      ]);
      assert.deepEqual(await outcomes(), [
        ['edited', 'unchanged'],
        ['kept', 'unchanged'],
      ]);
      await saveDraft(store, 'edited', 1, definition('edited', 'Edited'), 'ada');
      await publish(store, 'edited', 2, 'ada');
      assert.deepEqual(await outcomes(), [
        ['edited', 'unchanged'],
        ['kept', 'unchanged'],
      ]);
      assert.equal((await findFlow(store, 'edited'))?.published, 2);

      writeFileSync(path.join(dir, 'kept.json'), JSON.stringify(definition('kept', 'Changed')));
      assert.deepEqual(await outcomes(), [
        ['edited', 'unchanged'],
        ['kept', 'updated'],
      ]);
      const kept = await findFlow(store, 'kept');
      assert.deepEqual([kept?.head, kept?.published], [2, 2]);
      const audit = await listAudit(store, 'kept');
      assert.deepEqual(
        audit.map((a) => [a.action, a.version, a.actor]),
        [
          ['import', 1, path.join(dir, 'kept.json')],
          ['import', 2, path.join(dir, 'kept.json')],
        ],
      );
    });

    it('imports nothing when any file is invalid, naming the file and the problem', async () => {
      const dir = flowsFolder({
        'good.json': definition('good-import'),
        'bad.json': { ...definition('bad-import'), reentry: 'sometimes' },
      });
      await assert.rejects(
        importFlowFiles(store, dir),
        new RegExp(`${path.join(dir, 'bad.json')}: reentry: expected one of`),
      );
      assert.equal(await findFlow(store, 'good-import'), undefined);
    });

    it('exports the published flows as files that import as unchanged', async () => {
      const dir = flowsFolder({});
      const exported = await exportFlows(store, dir);
      const edited = exported.find((e) => e.id === 'edited');
      assert.equal(edited?.file, path.join(dir, 'edited.json'));
      assert.equal(exported.find((e) => e.id === 'broken')?.skipped, 'a draft, never published');
      const outcomes = await importFlowFiles(store, dir);
      assert.deepEqual(
        outcomes.filter((o) => o.outcome !== 'unchanged'),
        [],
        'an exported file holds what is published',
      );
      assert.equal((await findFlow(store, 'edited'))?.head, 2);
    });

    it('gives a catalog the published flows, and a publish within its poll', async () => {
      const catalog = await openCatalog(store, { pollMs: 50 });
      try {
        assert.ok(catalog.index().get('kept'));
        assert.equal(catalog.index().get('polled'), undefined);
        await createFlow(store, 'polled', definition('polled'), 'ada');
        await publish(store, 'polled', 1, 'ada');
        await waitUntil(
          () => catalog.index().get('polled'),
          'the catalog to see the publish',
          2_000,
        );
        assert.deepEqual(
          catalog
            .index()
            .forEvent('polled.signup')
            .map((f) => f.id),
          ['polled'],
        );
      } finally {
        catalog.close();
      }
    });
  });
}
