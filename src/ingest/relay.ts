import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { Store } from '../store/db';
import { recordEntries } from '../store/entries';
import {
  claimPending,
  completePending,
  postponePending,
  type Claimed,
  type PendingOperation,
} from '../store/pending';
import { eventSignal } from '../workflows/definitions';
import { startRun, type StartTarget } from './startRun';
import { failureReason } from './unavailable';

export interface RelayOptions extends StartTarget {
  store: Store;
  logError: (err: unknown) => void;
  /** How often the store is looked at for operations that are due. */
  everyMs?: number;
}

export interface Relay {
  /** Carries out what is due now; resolves when done (the loop calls it, and so can a test). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 50;
// Longer than any one start or signal takes, so a live relay's claim is not taken twice.
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Carries out the starts and signals ingest kept in the store (store/pending.ts) once Temporal
 * answers again. Every API process runs one; a claim is a lease, so when a process dies with
 * operations claimed, another takes them when the lease ends.
 */
export function startRelay(options: RelayOptions): Relay {
  const { store, logError, everyMs = 1000 } = options;

  const carryOut = async (op: PendingOperation): Promise<void> => {
    if (op.kind === 'signal') {
      try {
        await options.client.workflow.getHandle(op.workflowId).signal(eventSignal, op.event);
      } catch (err) {
        // The run ended meanwhile: it has no use for the event, as with a live signal.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      return;
    }
    try {
      await startRun(options, op.workflowId, op.input);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    if (op.input.flow.reentry === 'once') {
      await recordEntries(store, [{ flowId: op.flowId, userHash: op.input.user.hash }]);
    }
  };

  const settle = async ({ operation, attempts }: Claimed): Promise<void> => {
    try {
      await carryOut(operation);
      await completePending(store, operation);
    } catch (err) {
      const backoffMs = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts);
      await postponePending(store, operation, backoffMs, failureReason(err));
    }
  };

  const drain = async (): Promise<number> => {
    let done = 0;
    for (;;) {
      const claimed = await claimPending(store, BATCH, LEASE_MS);
      if (claimed.length === 0) return done;
      await Promise.all(claimed.map(settle));
      done += claimed.length;
      if (claimed.length < BATCH) return done;
    }
  };

  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = drain()
      .catch(logError)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs).unref();
      });
  };
  let timer = setTimeout(tick, everyMs).unref();

  return {
    drain,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
