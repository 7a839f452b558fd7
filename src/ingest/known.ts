import type { Flow } from '../flows/schema';
import type { Store } from '../store/db';
import { knownUsers } from '../store/known';

/** What the store knows of the users that starts need. */
export interface Known {
  traits(userHash: string): Record<string, unknown> | undefined;
  /** Whether the user entered the `once` flow already (see store/entries.ts). */
  entered(flowId: string, userHash: string): boolean;
}

const key = (flowId: string, userHash: string) => `${flowId}:${userHash}`;

/**
 * Reads it for a whole request in one query, before anything starts, so a store that fails
 * fails the request with nothing half-done. Users without a flow to start cost no query.
 */
export async function readKnown(
  store: Store,
  users: { userHash: string; flows: Flow[] }[],
): Promise<Known> {
  const starting = users.filter((u) => u.flows.length > 0);
  const { traits, entered } = await knownUsers(
    store,
    [...new Set(starting.map((u) => u.userHash))],
    starting.flatMap(({ userHash, flows }) =>
      flows.filter((f) => f.reentry === 'once').map((f) => ({ flowId: f.id, userHash })),
    ),
  );
  const enteredKeys = new Set(entered.map((e) => key(e.flowId, e.userHash)));
  return {
    traits: (userHash) => traits.get(userHash),
    entered: (flowId, userHash) => enteredKeys.has(key(flowId, userHash)),
  };
}
