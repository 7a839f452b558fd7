import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FlowValidationError, type FlowProblem } from './problems';
import type { Flow } from './schema';
import { validateFlow } from './validate';

/** The flows by id and by trigger event; both lookups are a single map read. */
export interface FlowIndex {
  get(id: string): Flow | undefined;
  forEvent(event: string): readonly Flow[];
  /**
   * Flows with a waitForEvent node or an exit rule for this event: their runs may be waiting
   * for it, or end on it.
   */
  waitingFor(event: string): readonly Flow[];
  all(): readonly Flow[];
}

interface Loaded {
  flow: Flow;
  file?: string;
}

function duplicateIds(loaded: readonly Loaded[]): FlowProblem[] {
  const seen = new Map<string, Loaded>();
  return loaded.flatMap(({ flow, file }) => {
    const first = seen.get(flow.id);
    if (!first) {
      seen.set(flow.id, { flow, file });
      return [];
    }
    const also = first.file === undefined ? '' : ` (also in ${first.file})`;
    const message = `duplicate flow id "${flow.id}"${also}`;
    return [{ ...(file === undefined ? {} : { file }), flow: flow.id, message }];
  });
}

function groupBy(flows: readonly Flow[], keys: (flow: Flow) => string[]): Map<string, Flow[]> {
  const groups = new Map<string, Flow[]>();
  for (const flow of flows) {
    for (const key of new Set(keys(flow))) {
      const list = groups.get(key);
      if (list) list.push(flow);
      else groups.set(key, [flow]);
    }
  }
  return groups;
}

function index(flows: readonly Flow[]): FlowIndex {
  const byId = new Map(flows.map((flow) => [flow.id, flow]));
  const byEvent = groupBy(flows, (flow) => [flow.trigger.event]);
  const byWaitedEvent = groupBy(flows, (flow) => [
    ...flow.actions.flatMap((a) => (a.type === 'waitForEvent' ? [a.event] : [])),
    ...(flow.exitOn ?? []).map((rule) => rule.event),
  ]);
  return {
    get: (id) => byId.get(id),
    forEvent: (event) => byEvent.get(event) ?? [],
    waitingFor: (event) => byWaitedEvent.get(event) ?? [],
    all: () => flows,
  };
}

/** An index of flows already validated; throws when two share an id. */
export function buildIndex(flows: readonly Flow[]): FlowIndex {
  const problems = duplicateIds(flows.map((flow) => ({ flow })));
  if (problems.length > 0) throw new FlowValidationError(problems);
  return index([...flows]);
}

/** A directory stands for the `.json` files directly inside it, in name order. */
async function flowFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => name.endsWith('.json')).sort();
  return names.map((name) => join(path, name));
}

async function loadFile(file: string): Promise<{ flow?: Flow; problems: FlowProblem[] }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const what = err instanceof SyntaxError ? 'invalid JSON' : 'cannot read';
    return { problems: [{ file, message: `${what}: ${(err as Error).message}` }] };
  }
  const result = await validateFlow(json, file);
  return result.ok ? { flow: result.flow, problems: [] } : { problems: result.problems };
}

/**
 * Reads and validates flow files, from directories or single files. Throws a
 * FlowValidationError listing every problem in every file when any file is invalid.
 */
export async function loadFlows(paths: string | readonly string[]): Promise<FlowIndex> {
  const problems: FlowProblem[] = [];
  const files: string[] = [];
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    try {
      files.push(...(await flowFiles(path)));
    } catch (err) {
      problems.push({ file: path, message: `cannot read: ${(err as Error).message}` });
    }
  }
  const results = await Promise.all(files.map(loadFile));
  const loaded = results.flatMap((result, i) =>
    result.flow ? [{ flow: result.flow, file: files[i] }] : [],
  );
  problems.push(...results.flatMap((result) => result.problems), ...duplicateIds(loaded));
  if (problems.length > 0) throw new FlowValidationError(problems);
  return index(loaded.map(({ flow }) => flow));
}
