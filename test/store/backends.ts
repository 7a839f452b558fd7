import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type Store, type StoreLocation } from '../../src/store/db';
import { freshPostgresDatabase } from '../harness/postgres';

export interface Backend {
  name: string;
  /** Where a new, empty store may be opened (and reopened). */
  fresh(): Promise<StoreLocation>;
}

const folders: string[] = [];

/** Every store test runs on both: what `npm start` embeds, and the server DATABASE_URL names. */
export const backends: Backend[] = [
  {
    name: 'PGlite',
    fresh: async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'socktech-store-'));
      folders.push(dataDir);
      return { dataDir };
    },
  },
  { name: 'PostgreSQL', fresh: async () => ({ url: await freshPostgresDatabase() }) },
];

after(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/**
 * Declares `suite` once per backend, each on a fresh store opened before it and closed after;
 * `where` opens it again, as another process would.
 */
export function onEveryStore(
  title: string,
  suite: (store: () => Store, where: () => StoreLocation) => void,
): void {
  for (const backend of backends) {
    describe(`${title} on ${backend.name}`, function () {
      this.timeout(120_000);
      let where: StoreLocation;
      let store: Store;
      before(async () => {
        where = await backend.fresh();
        store = await openStore(where);
      });
      after(() => store?.close());
      suite(
        () => store,
        () => where,
      );
    });
  }
}
