import { log } from '@temporalio/workflow';
import { nextOpening, pickZone, type SendWindow } from '../flows/sendWindow';
import type { NodeState } from './definitions';
import { record } from './nodeRecorder';
import { deadlineIn, sleepIn, type Run } from './run';

/**
 * Holds an email due outside its send window until the window next opens, on a durable timer,
 * in the user's time zone: the profile's `timezone` trait, else the flow's, else UTC. Only
 * before the first attempt: a retry follows its back-off.
 */
export async function waitForSendWindow(
  window: SendWindow,
  node: NodeState,
  run: Run,
): Promise<void> {
  if (node.attempts > 0) return;
  const { flow, user } = run.input;
  const { zone, refused } = pickZone([user.traits?.timezone, flow.timezone]);
  for (const name of refused) {
    log.warn('unknown time zone: the send window uses the next one', { zone: name, used: zone });
  }
  // A node carried over a continue-as-new keeps the deadline it had.
  const now = Date.now();
  const ms = deadlineIn(run, node.id, nextOpening(window, zone, now) - now);
  if (ms > 0) {
    record.waitingForWindow(node, now + ms);
    await sleepIn(run, ms);
  }
  run.deadlines.delete(node.id);
}
