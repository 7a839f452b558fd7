import type { OnCap } from '../flows/frequencyCap';
import type { SendWindow } from '../flows/sendWindow';
import type { NodeState, SendLimit } from './definitions';
import { record } from './nodeRecorder';
import { deadlineIn, sleepIn, type Run } from './run';
import { waitForSendWindow } from './windowWait';

/** What a send answers when a limit held it back: nothing went out. */
export interface Limited {
  /** The user's frequency cap allows the next marketing email then (epoch ms). */
  cappedUntil?: number;
  /** Over the provider's rate: ask again after `waitMs` with `slot`, its place in line. */
  rateLimited?: { waitMs: number; slot: number };
}

// Below this, a wait for the cap could spin on a clock that differs a little from the store's.
const MIN_CAP_WAIT_MS = 1000;

/** Whether the answer leaves the send to wait: for the rate, or for the cap with `delay`. */
export function heldBack(result: Limited, onCap: OnCap = 'skip'): boolean {
  return (
    result.rateLimited !== undefined || (result.cappedUntil !== undefined && onCap === 'delay')
  );
}

/**
 * After an answer that held the send back: waits, on a durable timer shown on the node, and
 * asks again with `send`, until the send goes or, with `onCap: "skip"`, is capped. A local
 * activity does not wait itself: it would hold a worker's slot, and could outlive its timeout
 * behind a long queue. The send window is checked again after a wait for the cap, which may
 * end outside it.
 */
export async function withinLimits<T extends Limited>(
  run: Run,
  node: NodeState,
  first: T,
  send: (rateSlot?: number) => Promise<T>,
  { onCap, window }: { onCap?: OnCap; window?: SendWindow } = {},
): Promise<T> {
  let result = first;
  while (heldBack(result, onCap)) {
    // That answer was no attempt: maximumAttempts counts sends tried.
    record.heldBack(node);
    const { rateLimited, cappedUntil } = result;
    if (rateLimited) await waitFor(run, node, 'rate limit', rateLimited.waitMs);
    else {
      const ms = Math.max(cappedUntil! - Date.now(), MIN_CAP_WAIT_MS);
      await waitFor(run, node, 'frequency cap', ms);
      if (window) await waitForSendWindow(window, node, run);
    }
    result = await send(rateLimited?.slot);
  }
  return result;
}

/** The rest of a wait for a limit that a continue-as-new carried over. */
export function resumeLimit(run: Run, node: NodeState, by: SendLimit): Promise<void> {
  return waitFor(run, node, by, 0);
}

async function waitFor(run: Run, node: NodeState, by: SendLimit, ms: number): Promise<void> {
  const wait = deadlineIn(run, node.id, ms);
  record.limited(node, by, Date.now() + wait);
  await sleepIn(run, wait);
  run.deadlines.delete(node.id);
  record.limitLifted(node);
}
