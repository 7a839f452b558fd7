import { ApplicationFailure } from '@temporalio/common';
import { batchedPerSql } from '../store/batch';
import type { Sql } from '../store/db';
import { suppressedAmong } from '../store/subscriptions';

// Sends running at once ask together: one statement for many (see store/batch.ts).
const read = batchedPerSql(async (ledger: Sql, asks: string[][]) => {
  const suppressed = new Set(await suppressedAmong(ledger, [...new Set(asks.flat())]));
  return asks.map((hashes) => hashes.filter((h) => suppressed.has(h)));
}, 500);

/** The hashes of recipients who must not get marketing email. */
export async function suppressedRecipients(ledger: Sql, hashes: string[]): Promise<string[]> {
  try {
    return await read(ledger, hashes);
  } catch (err) {
    // Nothing went out yet: the workflow's retry loop tries again after its back-off.
    throw ApplicationFailure.retryable(
      `Cannot read the suppression list: ${(err as Error).message}`,
      'StoreUnavailable',
    );
  }
}
