import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../config';
import type { Sql } from '../store/db';
import { openStore } from '../store/db';
import { listFlows, readDefinition } from '../store/flows';

export interface Exported {
  id: string;
  /** The file written, or why there is none. */
  file?: string;
  skipped?: string;
}

/**
 * Writes each published flow, as it was written, to `<dir>/<id>.json`. Importing such a file
 * at the next start changes nothing: it holds what is published.
 */
export async function exportFlows(sql: Sql, dir: string): Promise<Exported[]> {
  await mkdir(dir, { recursive: true });
  const exported: Exported[] = [];
  for (const flow of await listFlows(sql)) {
    if (flow.published === null) {
      exported.push({ id: flow.id, skipped: 'a draft, never published' });
    } else if (flow.archived) {
      exported.push({ id: flow.id, skipped: 'archived' });
    } else {
      const { definition } = (await readDefinition(sql, flow.id, flow.published))!;
      const file = join(dir, `${flow.id}.json`);
      await writeFile(file, `${JSON.stringify(definition, null, 2)}\n`);
      exported.push({ id: flow.id, file });
    }
  }
  return exported;
}

/** `npm run flows:export [dir]`: the store's published flows to files, FLOWS_DIR by default. */
async function main(dir?: string): Promise<void> {
  const config = loadConfig();
  const { url, dataDir } = config.store;
  const store = await openStore(url ? { url } : { dataDir });
  try {
    for (const { id, file, skipped } of await exportFlows(store, dir ?? config.flowsDir)) {
      console.log(file ? `${id} → ${file}` : `${id}: not written, ${skipped}`);
    }
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv[2]).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
