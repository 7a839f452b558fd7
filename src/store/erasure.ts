import type { Store } from './db';

export interface Erased {
  profiles: number;
  /** Sends whose address is gone; the rows stay, as the count of what was sent. */
  deliveries: number;
}

/**
 * The right to erasure: the address's profiles go, and the address leaves the ledger and the
 * suppression list. Only its hash stays, so that an address that unsubscribed stays so.
 */
export async function eraseAddress(store: Store, addressHash: string): Promise<Erased> {
  return store.transaction(async (tx) => {
    const profiles = await tx.query('delete from profiles where email_hash = $1 returning 1', [
      addressHash,
    ]);
    const deliveries = await tx.query(
      `update deliveries set address = null
       where (address_hash = $1 or user_hash = $1) and address is not null returning 1`,
      [addressHash],
    );
    await tx.query('update suppressions set address = null where address_hash = $1', [addressHash]);
    // A run not yet started would mail the address after all: it is dropped, not kept waiting.
    await tx.query("delete from pending_operations where payload->'user'->>'hash' = $1", [
      addressHash,
    ]);
    return { profiles: profiles.length, deliveries: deliveries.length };
  });
}
