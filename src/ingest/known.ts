import type { Flow } from '../flows/schema';
import { batchedPerSql } from '../store/batch';
import type { Sql, Store } from '../store/db';
import { recordEntries, type Entry } from '../store/entries';
import { knownUsers, type KnownUsers } from '../store/known';

/** What the store knows of the users that starts need. */
export interface Known {
  traits(userHash: string): Record<string, unknown> | undefined;
  /** Whether the user entered the `once` flow already (see store/entries.ts). */
  entered(flowId: string, userHash: string): boolean;
}

interface Asked {
  addressHashes: string[];
  entries: Entry[];
}

// Requests, not events: one may hold a batch of 500.
const MAX_REQUESTS = 50;

const key = (flowId: string, userHash: string) => `${flowId}:${userHash}`;

/**
 * The requests that come in one event-loop turn, or while a query is under way, share one
 * query (see store/known.ts for what one costs). Each gets back what it asked about only.
 */
async function readAll(sql: Sql, asked: Asked[]): Promise<KnownUsers[]> {
  const all = await knownUsers(
    sql,
    asked.flatMap((a) => a.addressHashes),
    asked.flatMap((a) => a.entries),
  );
  const enteredKeys = new Set(all.entered.map((e) => key(e.flowId, e.userHash)));
  return asked.map(({ addressHashes, entries }) => ({
    traits: new Map(
      addressHashes.flatMap((hash) => {
        const traits = all.traits.get(hash);
        return traits ? [[hash, traits]] : [];
      }),
    ),
    entered: entries.filter((e) => enteredKeys.has(key(e.flowId, e.userHash))),
  }));
}

const read = batchedPerSql(readAll, MAX_REQUESTS);
const record = batchedPerSql(async (sql: Sql, all: Entry[][]) => {
  await recordEntries(sql, all.flat());
  return all.map(() => undefined);
}, MAX_REQUESTS);

/**
 * Reads it for a whole request before anything starts, so a store that fails fails the request
 * with nothing half-done. Users without a flow to start cost no query.
 */
export async function readKnown(
  store: Store,
  users: { userHash: string; flows: Flow[] }[],
): Promise<Known> {
  const starting = users.filter((u) => u.flows.length > 0);
  const asked: Asked = {
    addressHashes: [...new Set(starting.map((u) => u.userHash))],
    entries: starting.flatMap(({ userHash, flows }) =>
      flows.filter((f) => f.reentry === 'once').map((f) => ({ flowId: f.id, userHash })),
    ),
  };
  const { traits, entered } =
    asked.addressHashes.length === 0
      ? { traits: new Map(), entered: [] }
      : await read(store, asked);
  const enteredKeys = new Set(entered.map((e) => key(e.flowId, e.userHash)));
  return {
    traits: (userHash) => traits.get(userHash),
    entered: (flowId, userHash) => enteredKeys.has(key(flowId, userHash)),
  };
}

/**
 * Records the entries of a request's starts; those of requests that come together go in one
 * statement, and each request awaits its own commit.
 */
export function recordEntered(store: Store, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return Promise.resolve();
  return record(store, entries);
}
