import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StoreLocation } from '../../src/store/db';
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
