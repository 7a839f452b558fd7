import type { FlowProblem } from '../flows/problems';
import type { Flow } from '../flows/schema';
import { validateFlow } from '../flows/validate';
import { deriveVersion } from '../flows/version';
import type { Sql, Store } from './db';

/**
 * Flows as data. Every save is a new numbered version, the flow's `head`; `published` is the
 * version new events run. A write names the head it was based on (`expected`), so two editors
 * never silently overwrite each other: the second is told the flow moved on.
 */
export interface StoredFlow {
  id: string;
  /** The definition's name, as far as a draft has one. */
  name: string | null;
  head: number;
  published: number | null;
  archived: boolean;
  updatedAt: Date;
}

export interface FlowVersion {
  version: number;
  createdBy: string;
  createdAt: Date;
  /** A rollback copies an earlier version into a new one. */
  rollbackOf: number | null;
}

export type AuditAction = 'create' | 'draft' | 'publish' | 'rollback' | 'archive' | 'import';

export interface AuditEntry {
  action: AuditAction;
  version: number;
  /** An API key's name, or the file an import came from. */
  actor: string;
  at: Date;
}

type Reason = 'missing' | 'exists' | 'stale' | 'invalid' | 'no-version';

/** A write the store refused, with what a person needs to know to try again. */
export class FlowStoreError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly problems: FlowProblem[] = [],
  ) {
    super(message);
    this.name = 'FlowStoreError';
  }
}

interface FlowRow {
  id: string;
  head: number;
  published: number | null;
  archived_at: Date | null;
  file_hash: string | null;
  updated_at: Date;
  definition: unknown;
}

// The name is read in JavaScript: a draft's name may hold what SQL's ->> cannot turn into text.
const FLOW_COLUMNS = `f.id, f.head, f.published, f.archived_at, f.file_hash, f.updated_at,
  v.definition from flows f join flow_versions v on v.flow_id = f.id and v.version = f.head`;

function storedFlow(row: FlowRow): StoredFlow {
  const { name } = row.definition as { name?: unknown };
  return {
    id: row.id,
    name: typeof name === 'string' ? name : null,
    head: row.head,
    published: row.published,
    archived: row.archived_at !== null,
    updatedAt: new Date(row.updated_at),
  };
}

export async function listFlows(sql: Sql): Promise<StoredFlow[]> {
  const rows = await sql.query<FlowRow>(`select ${FLOW_COLUMNS} order by f.id`);
  return rows.map(storedFlow);
}

export async function findFlow(sql: Sql, id: string): Promise<StoredFlow | undefined> {
  const [row] = await sql.query<FlowRow>(`select ${FLOW_COLUMNS} where f.id = $1`, [id]);
  return row && storedFlow(row);
}

/** A version's definition as it was written; the head's when `version` is absent. */
export async function readDefinition(
  sql: Sql,
  id: string,
  version?: number,
): Promise<{ version: number; definition: unknown } | undefined> {
  const [row] = await sql.query<{ version: number; definition: unknown }>(
    `select v.version, v.definition from flow_versions v join flows f on f.id = v.flow_id
      where v.flow_id = $1 and v.version = coalesce($2, f.head)`,
    [id, version ?? null],
  );
  return row;
}

export async function listVersions(sql: Sql, id: string): Promise<FlowVersion[]> {
  const rows = await sql.query<{
    version: number;
    created_by: string;
    created_at: Date;
    rollback_of: number | null;
  }>(
    `select version, created_by, created_at, rollback_of from flow_versions
      where flow_id = $1 order by version desc`,
    [id],
  );
  return rows.map((r) => ({
    version: r.version,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    rollbackOf: r.rollback_of,
  }));
}

/** Who did what to the flow, oldest first. */
export async function listAudit(sql: Sql, id: string): Promise<AuditEntry[]> {
  const rows = await sql.query<AuditEntry>(
    'select action, version, actor, at from flow_audit where flow_id = $1 order by seq',
    [id],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

/** The flows new events run: published and not archived, as they were validated. */
export async function publishedFlows(sql: Sql): Promise<Flow[]> {
  const rows = await sql.query<{ flow: Flow }>(
    `select v.flow from flows f join flow_versions v on v.flow_id = f.id and v.version = f.published
      where f.archived_at is null order by f.id`,
  );
  return rows.map((r) => r.flow);
}

/** Moves whenever the published set changes: a process polls it to know when to reload. */
export async function catalogStamp(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ stamp: number }>('select stamp from flow_catalog');
  return row.stamp;
}

/** A new flow whose first version is a draft; `definition.id` is its id. */
export async function createFlow(
  store: Store,
  id: string,
  definition: unknown,
  actor: string,
): Promise<StoredFlow> {
  return store.transaction(async (tx) => {
    const inserted = await tx.query(
      'insert into flows (id, head) values ($1, 1) on conflict do nothing returning id',
      [id],
    );
    if (inserted.length === 0) {
      throw new FlowStoreError(
        'exists',
        `flow "${id}" exists: edit it with PUT /v1/flows/${id}/draft`,
      );
    }
    await addVersion(tx, id, 1, definition, actor);
    await audit(tx, id, 'create', 1, actor);
    return (await findFlow(tx, id))!;
  });
}

/** Saves `definition` as the new head, if the head is still `expected`. */
export function saveDraft(
  store: Store,
  id: string,
  expected: number,
  definition: unknown,
  actor: string,
): Promise<StoredFlow> {
  return atHead(store, id, expected, async (tx, flow) => {
    const version = flow.head + 1;
    await addVersion(tx, id, version, definition, actor);
    await tx.query('update flows set head = $2, updated_at = now() where id = $1', [id, version]);
    await audit(tx, id, 'draft', version, actor);
  });
}

/**
 * Makes the head the version new events run, once it validates as `flows:check` validates a
 * file; publishing an archived flow brings it back.
 */
export function publish(
  store: Store,
  id: string,
  expected: number,
  actor: string,
): Promise<StoredFlow> {
  return atHead(store, id, expected, async (tx, flow) => {
    if (flow.published === flow.head && flow.archived_at === null) return;
    const { definition } = (await readDefinition(tx, id, flow.head))!;
    await setPublished(tx, id, flow.head, await validated(id, flow.head, definition));
    await audit(tx, id, 'publish', flow.head, actor);
  });
}

/** Publishes a copy of an earlier version as a new version, so the history only grows. */
export function rollback(
  store: Store,
  id: string,
  expected: number,
  to: number,
  actor: string,
): Promise<StoredFlow> {
  return atHead(store, id, expected, async (tx, flow) => {
    const earlier = await readDefinition(tx, id, to);
    if (!earlier) {
      throw new FlowStoreError(
        'no-version',
        `flow "${id}" has no version ${to} (its versions are 1 to ${flow.head})`,
      );
    }
    const version = flow.head + 1;
    const normalised = await validated(id, to, earlier.definition);
    await addVersion(tx, id, version, earlier.definition, actor, to);
    await tx.query('update flows set head = $2 where id = $1', [id, version]);
    await setPublished(tx, id, version, normalised);
    await audit(tx, id, 'rollback', version, actor);
  });
}

/** New events no longer start the flow; runs in flight go on with the version they started with. */
export function archive(
  store: Store,
  id: string,
  expected: number,
  actor: string,
): Promise<StoredFlow> {
  return atHead(store, id, expected, async (tx, flow) => {
    if (flow.archived_at !== null) return;
    await tx.query('update flows set archived_at = now(), updated_at = now() where id = $1', [id]);
    await bumpCatalog(tx);
    await audit(tx, id, 'archive', flow.head, actor);
  });
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Brings a validated flow file into the store. A file seen before, or one that holds what is
 * published already (a `flows:export` of it), changes nothing, so an edit made over the API
 * survives a restart; a new or changed file becomes the published version.
 */
export async function importFile(
  tx: Sql,
  file: { name: string; definition: unknown; flow: Flow },
): Promise<ImportOutcome> {
  const { id } = file.flow;
  const hash = deriveVersion(file.definition);
  const flow = await lock(tx, id);
  if (!flow) {
    await tx.query('insert into flows (id, head, file_hash) values ($1, 1, $2)', [id, hash]);
    await addVersion(tx, id, 1, file.definition, file.name);
    await setPublished(tx, id, 1, file.flow);
    await audit(tx, id, 'import', 1, file.name);
    return 'created';
  }
  if (flow.file_hash === hash) return 'unchanged';
  const published = flow.published && (await readDefinition(tx, id, flow.published));
  if (published && deriveVersion(published.definition) === hash) {
    await tx.query('update flows set file_hash = $2 where id = $1', [id, hash]);
    return 'unchanged';
  }
  const version = flow.head + 1;
  await addVersion(tx, id, version, file.definition, file.name);
  await tx.query('update flows set head = $2, file_hash = $3 where id = $1', [id, version, hash]);
  await setPublished(tx, id, version, file.flow);
  await audit(tx, id, 'import', version, file.name);
  return 'updated';
}

type LockedRow = Omit<FlowRow, 'definition' | 'updated_at'>;

// Held until the transaction ends: writes to one flow take turns, across processes too.
async function lock(tx: Sql, id: string): Promise<LockedRow | undefined> {
  const [row] = await tx.query<LockedRow>(
    'select id, head, published, archived_at, file_hash from flows where id = $1 for update',
    [id],
  );
  return row;
}

async function lockHead(tx: Sql, id: string, expected: number): Promise<LockedRow> {
  const flow = await lock(tx, id);
  if (!flow) throw new FlowStoreError('missing', `no flow with id "${id}"`);
  if (flow.head !== expected) {
    throw new FlowStoreError(
      'stale',
      `flow "${id}" is at version ${flow.head}, not ${expected}: it was saved meanwhile. ` +
        `Read version ${flow.head}, bring your change onto it, and send If-Match: "${flow.head}"`,
    );
  }
  return flow;
}

/** Makes `change` to the flow while its head is the `expected` one, and answers the flow after. */
function atHead(
  store: Store,
  id: string,
  expected: number,
  change: (tx: Sql, flow: LockedRow) => Promise<void>,
): Promise<StoredFlow> {
  return store.transaction(async (tx) => {
    await change(tx, await lockHead(tx, id, expected));
    return (await findFlow(tx, id))!;
  });
}

async function validated(id: string, version: number, definition: unknown): Promise<Flow> {
  const result = await validateFlow(definition);
  if (!result.ok) {
    throw new FlowStoreError(
      'invalid',
      `version ${version} of flow "${id}" is not valid: nothing was published`,
      result.problems,
    );
  }
  return result.flow;
}

async function addVersion(
  tx: Sql,
  id: string,
  version: number,
  definition: unknown,
  actor: string,
  rollbackOf?: number,
): Promise<void> {
  await tx.query(
    `insert into flow_versions (flow_id, version, definition, created_by, rollback_of)
      values ($1, $2, $3, $4, $5)`,
    [id, version, JSON.stringify(definition), actor, rollbackOf ?? null],
  );
}

async function setPublished(tx: Sql, id: string, version: number, flow: Flow): Promise<void> {
  await tx.query('update flow_versions set flow = $3 where flow_id = $1 and version = $2', [
    id,
    version,
    JSON.stringify(flow),
  ]);
  await tx.query(
    `update flows set published = $2, archived_at = null, updated_at = now() where id = $1`,
    [id, version],
  );
  await bumpCatalog(tx);
}

async function bumpCatalog(tx: Sql): Promise<void> {
  await tx.query('update flow_catalog set stamp = stamp + 1');
}

async function audit(
  tx: Sql,
  id: string,
  action: AuditAction,
  version: number,
  actor: string,
): Promise<void> {
  await tx.query(
    'insert into flow_audit (flow_id, action, version, actor) values ($1, $2, $3, $4)',
    [id, action, version, actor],
  );
}
