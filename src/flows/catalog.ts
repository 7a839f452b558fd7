import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/db';
import { catalogStamp, importFile, publishedFlows, type ImportOutcome } from '../store/flows';
import { buildIndex, type FlowIndex } from './load';
import { FlowValidationError, type FlowProblem } from './problems';
import type { Flow } from './schema';
import { validateFlow } from './validate';

/** The published flows of the store, as ingest reads them, kept current by polling. */
export interface FlowCatalog {
  /** The latest index this process has read: a single variable read, as ingest needs. */
  index(): FlowIndex;
  /** Reads the store now; resolves once a change committed before the call is in the index. */
  refresh(): Promise<void>;
  close(): void;
}

export interface CatalogOptions {
  /** How often the store's stamp is read; a publish elsewhere shows within this. */
  pollMs?: number;
  /** The first poll that failed after one that worked; the index stays as it was. */
  onError?: (err: unknown) => void;
}

export async function openCatalog(
  store: Store,
  options: CatalogOptions = {},
): Promise<FlowCatalog> {
  const { pollMs = 250, onError = () => {} } = options;
  let stamp = -1;
  let current = buildIndex([]);
  // The stamp is read before the flows: a publish in between only makes the next poll reload.
  const load = async () => {
    const seen = await catalogStamp(store);
    if (seen === stamp) return;
    current = buildIndex(await publishedFlows(store));
    stamp = seen;
  };
  // One load at a time, in call order, so a refresh after a commit always reads after it.
  let queue = Promise.resolve();
  const refresh = () => {
    const next = queue.then(load);
    queue = next.catch(() => {});
    return next;
  };
  await refresh();

  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  const poll = () => {
    timer = setTimeout(() => {
      refresh()
        .then(
          () => (failing = false),
          (err: unknown) => {
            if (!failing) onError(err);
            failing = true;
          },
        )
        .finally(() => timer && poll());
    }, pollMs);
    timer.unref();
  };
  poll();
  return {
    index: () => current,
    refresh,
    close: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

interface FlowFile {
  name: string;
  definition: unknown;
  flow: Flow;
}

async function flowFileNames(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => join(path, name));
}

async function readFlowFile(name: string): Promise<FlowFile | FlowProblem[]> {
  let definition: unknown;
  try {
    definition = JSON.parse(await readFile(name, 'utf8'));
  } catch (err) {
    const what = err instanceof SyntaxError ? 'invalid JSON' : 'cannot read';
    return [{ file: name, message: `${what}: ${(err as Error).message}` }];
  }
  const result = await validateFlow(definition, name);
  return result.ok ? { name, definition, flow: result.flow } : result.problems;
}

/** Reads and validates every file first, as `flows:check` does: one invalid file imports none. */
async function readFlowFiles(path: string): Promise<FlowFile[]> {
  let names: string[];
  try {
    names = await flowFileNames(path);
  } catch (err) {
    throw new FlowValidationError([
      { file: path, message: `cannot read: ${(err as Error).message}` },
    ]);
  }
  const read = await Promise.all(names.map(readFlowFile));
  const files = read.filter((r): r is FlowFile => !Array.isArray(r));
  const problems = read.filter((r) => Array.isArray(r)).flat();
  const firstFile = new Map<string, string>();
  for (const { name, flow } of files) {
    const first = firstFile.get(flow.id);
    if (first)
      problems.push({
        file: name,
        flow: flow.id,
        message: `duplicate flow id "${flow.id}" (also in ${first})`,
      });
    else firstFile.set(flow.id, name);
  }
  if (problems.length > 0) throw new FlowValidationError(problems);
  return files;
}

// Processes starting together on one PostgreSQL import in turn; nothing else takes this lock.
const IMPORT_LOCK = 0x50c7f10;

export interface Imported {
  id: string;
  file: string;
  outcome: ImportOutcome;
}

/**
 * Imports the flow files at `path` (a folder's `.json` files, or one file) into the store:
 * new and changed files become published versions; an unchanged file leaves the flow as the
 * API left it. Throws a FlowValidationError listing every problem when any file is invalid.
 */
export async function importFlowFiles(store: Store, path: string): Promise<Imported[]> {
  const files = await readFlowFiles(path);
  return store.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    const imported: Imported[] = [];
    for (const file of files) {
      imported.push({ id: file.flow.id, file: file.name, outcome: await importFile(tx, file) });
    }
    return imported;
  });
}

/** What `npm start` and `npm run api` do at start: import FLOWS_DIR, then follow the store. */
export async function openFlowCatalog(
  store: Store,
  flowsDir: string,
  log: Logger,
): Promise<FlowCatalog> {
  const imported = await importFlowFiles(store, flowsDir);
  const changed = imported.filter((i) => i.outcome !== 'unchanged');
  if (changed.length > 0) {
    log.info({ imported: changed }, `published ${changed.length} new or changed flow files`);
  }
  const catalog = await openCatalog(store, {
    onError: (err) => log.warn({ err }, 'cannot read the flow store: flows stay as they were'),
  });
  const ids = catalog
    .index()
    .all()
    .map((f) => f.id);
  log.info({ flows: ids }, `${ids.length} flows published`);
  return catalog;
}
