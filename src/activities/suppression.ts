import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../store/db';
import { suppressedAmong } from '../store/subscriptions';

/** The hashes of recipients who must not get marketing email. */
export async function suppressedRecipients(ledger: Sql, hashes: string[]): Promise<string[]> {
  try {
    return await suppressedAmong(ledger, hashes);
  } catch (err) {
    // Nothing went out yet: the workflow's retry loop tries again after its back-off.
    throw ApplicationFailure.retryable(
      `Cannot read the suppression list: ${(err as Error).message}`,
      'StoreUnavailable',
    );
  }
}
