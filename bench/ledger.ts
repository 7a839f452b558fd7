import { randomBytes } from 'node:crypto';
import { suppressedRecipients } from '../src/activities/suppression';
import { userHash } from '../src/ingest/identity';
import type { Store } from '../src/store/db';
import { findDelivery, recordDelivery, type Delivery, type DeliveryKey } from '../src/store/ledger';
import type { Bench, StoreName } from './context';
import { inParallel } from './pool';
import { rate, type Rate, type RateComparison } from './rate';

export interface LedgerPoint {
  inFlight: number;
  /** Runs' worth of ledger work per second, and its CPU per run (with PostgreSQL's server's). */
  pglite: Rate;
  postgres: Rate;
}

export interface LedgerCost {
  runs: number;
  points: LedgerPoint[];
  /**
   * Ledger CPU per run, one run at a time (the last point), over Socktech's CPU per run in the
   * flow throughput measurement on the same store.
   */
  shareOfRunCpu: Record<StoreName, number>;
}

const WARM_UP_RUNS = 50;

/** One send as the send activities make it: ask the ledger, read suppression for email, record. */
async function send(store: Store, key: DeliveryKey, email: string, isEmail: boolean) {
  await findDelivery(store, key);
  const hash = userHash(email);
  if (isEmail) await suppressedRecipients(store, [hash]);
  const now = new Date();
  const delivery: Delivery = {
    ...key,
    channel: isEmail ? 'email' : 'webhook',
    ...(isEmail && { category: 'marketing' as const }),
    userHash: hash,
    address: email,
    addressHash: hash,
    reply: isEmail ? '250 OK' : '200 OK',
    ...(isEmail ? { messageId: `<${key.workflowId}.${key.nodeId}@bench>` } : { status: 200 }),
    startedAt: now,
    deliveredAt: now,
  };
  await recordDelivery(store, delivery);
}

/**
 * The store work of one run of the bench's flow, in its order: email1 and the webhook at once,
 * then email2 after email1 (3 lookups, 2 suppression reads, 3 records).
 */
async function ledgerRun(store: Store, workflowId: string): Promise<void> {
  const email = `${workflowId}@bench.local`;
  const key = (nodeId: string) => ({ workflowId, eventId: `${workflowId}-event`, nodeId });
  await Promise.all([
    send(store, key('email1'), email, true).then(() => send(store, key('email2'), email, true)),
    send(store, key('hook'), email, false),
  ]);
}

function ledgerRuns(
  store: Store,
  runs: number,
  inFlight: number,
  cpuElsewhereMs?: () => Promise<number>,
) {
  const prefix = `ledger-cost-${randomBytes(4).toString('hex')}`;
  const ids = Array.from({ length: runs }, (_, i) => `${prefix}-${i}`);
  return rate(async () => {
    await inParallel(ids, inFlight, (id) => ledgerRun(store, id));
    return runs;
  }, cpuElsewhereMs);
}

/**
 * What the send ledger itself costs a run, on each Socktech's store, apart from everything else
 * Socktech adds: the real ledger and suppression code, driven with no workflow around it, once
 * at the concurrency of the throughput measurement and once one run at a time (an idle worker).
 */
export async function ledgerCost(
  b: Bench,
  throughput: Record<StoreName, RateComparison>,
): Promise<LedgerCost> {
  const { runs, inFlight } = b.sizes.ledger;
  const stores: Record<StoreName, { store: Store; cpuElsewhereMs?: () => Promise<number> }> = {
    pglite: { store: b.stack.ledgers.pglite },
    postgres: {
      store: b.stack.ledgers.postgres,
      cpuElsewhereMs: b.stack.sides.socktechPostgres.cpuElsewhereMs,
    },
  };
  for (const { store } of Object.values(stores)) await ledgerRuns(store, WARM_UP_RUNS, 1);
  const points: LedgerPoint[] = [];
  for (const n of inFlight) {
    const measured = {} as Record<StoreName, Rate>;
    for (const name of ['pglite', 'postgres'] as const) {
      b.progress.step(`send ledger: ${name}, ${n} in flight`);
      measured[name] = await ledgerRuns(stores[name].store, runs, n, stores[name].cpuElsewhereMs);
    }
    points.push({ inFlight: n, ...measured });
  }
  // One at a time: in a flow the sends of runs arrive spread out, and a CPU profile of the flow
  // throughput measurement found its ledger statements holding one to three rows, not the
  // hundred that the many-in-flight point packs into one; that point is only the lower bound.
  const alone = points[points.length - 1];
  const share = (name: StoreName) =>
    alone[name].cpuMsPerUnit / throughput[name].cpuMsPerUnit.socktech.median;
  return { runs, points, shareOfRunCpu: { pglite: share('pglite'), postgres: share('postgres') } };
}
