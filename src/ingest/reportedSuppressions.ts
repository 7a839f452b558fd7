import type { Store } from '../store/db';
import { suppress, type SuppressionReason } from '../store/subscriptions';
import { userHash } from './identity';
import type { Ingest } from './ingest';

/** What an email provider's webhook (through the app) reports about an address. */
const REPORTS: Record<string, SuppressionReason> = {
  'email.bounced': 'bounced',
  'email.complained': 'complained',
};

/**
 * Suppresses the address of every `email.bounced` or `email.complained` event before ingest
 * sees it, so that a flow started by the same batch already skips the address. The events still
 * trigger flows of their own.
 */
export function suppressReported(store: Store, ingest: Ingest): Ingest {
  return async (events) => {
    for (const { name, email } of events) {
      const reason = Object.hasOwn(REPORTS, name) ? REPORTS[name] : undefined;
      if (reason) {
        await suppress(store, {
          addressHash: userHash(email),
          address: email,
          reason,
          source: name,
        });
      }
    }
    return ingest(events);
  };
}
