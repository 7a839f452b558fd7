import { proxyLocalActivities, proxySinks, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ROOT } from '../flows/edges';
import type { Action, DelayAction, WaitForEventAction } from '../flows/schema';
import { splitPath } from '../flows/split';
import { templateContext } from '../flows/templateContext';
import { matchesWhere } from '../flows/where';
import type { TemplateContext } from '../templates';
import type { NodeState, RunEvent } from './definitions';
import { record } from './nodeRecorder';
import { withRetries } from './retry';
import { deadlineIn, interruptible, sleepIn, type Run } from './run';
import { heldBack, resumeLimit, withinLimits } from './sendLimits';
import type { FlowSinks } from './sinks';
import { waitForSendWindow } from './windowWait';

// One attempt per call: withRetries owns the retry loop (see retry.ts for why).
const { sendEmail, callWebhook } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});
const { metrics } = proxySinks<FlowSinks>();

/** How an action ended: the outcome labelled edges choose paths by, and what a wait received. */
export interface Ending {
  outcome?: string;
  properties?: Record<string, unknown>;
}

/** Runs one action to its end. */
export async function runAction(action: Action, node: NodeState, run: Run): Promise<Ending> {
  const { input, nodes } = run;
  const ids = { workflowId: workflowInfo().workflowId, nodeId: action.id };
  switch (action.type) {
    case 'sendEmail': {
      if (node.limit) await resumeLimit(run, node, node.limit.by);
      // Not even an await without a window: the commands of runs recorded before stay in order.
      if (action.window) await waitForSendWindow(action.window, node, run);
      const { to, subject, body, onCap, window } = action;
      const category = action.category ?? input.flow.category;
      const frequencyCap = action.frequencyCap ?? input.flow.frequencyCap;
      const send = (rateSlot?: number) => {
        const context = contextOf(run);
        return withRetries(run, node, action.retry, () =>
          sendEmail({ ...ids, category, frequencyCap, rateSlot, to, subject, body, context }),
        );
      };
      let sent = await send();
      // Likewise, only a send a limit held back awaits any more.
      if (heldBack(sent, onCap))
        sent = await withinLimits(run, node, sent, send, { onCap, window });
      if (sent.cappedUntil !== undefined) return { outcome: 'capped' };
      return sent.suppressed ? { outcome: 'suppressed' } : {};
    }
    case 'webhook': {
      if (node.limit) await resumeLimit(run, node, node.limit.by);
      const { url, method, headers, body } = action;
      const context = contextOf(run);
      const call = (rateSlot?: number) =>
        withRetries(run, node, action.retry, () =>
          callWebhook({ ...ids, url, method, headers, body, context, rateSlot }),
        );
      const called = await call();
      if (heldBack(called)) await withinLimits(run, node, called, call);
      return {};
    }
    case 'delay': {
      record.waiting(node);
      await sleepIn(run, deadlineIn(run, node.id, delayMs(action)));
      run.deadlines.delete(node.id);
      return {};
    }
    case 'waitForEvent': {
      record.waiting(node);
      const order = input.flow.actions.indexOf(action);
      const matches = (event: RunEvent) => takes(action, event);
      const timeoutMs = deadlineIn(run, node.id, action.timeoutMs);
      const received = await interruptible(run, () =>
        run.inbox.take({ order, matches }, timeoutMs),
      );
      run.deadlines.delete(node.id);
      if (!received) return { outcome: 'timedOut' };
      return { outcome: 'received', properties: received.properties };
    }
    case 'branch': {
      const tested = action.on === ROOT ? input.event.properties : nodes.get(action.on)?.properties;
      return { outcome: matchesWhere(action.where, tested ?? {}) ? 'true' : 'false' };
    }
    case 'split': {
      const { flow, user } = input;
      const path = splitPath(action.paths, {
        flowId: flow.id,
        nodeId: action.id,
        userHash: user.hash,
      });
      // Counted once per run: a replay (on another worker, or npm run replay) counts nothing.
      if (!workflowInfo().unsafe.isReplaying) metrics.splitTaken(flow.id, action.id, path);
      return { outcome: path };
    }
  }
}

/** Whether a waitForEvent node takes this event. */
export function takes(action: WaitForEventAction, event: RunEvent): boolean {
  return event.name === action.event && matchesWhere(action.where, event.properties);
}

function delayMs(action: DelayAction): number {
  if (action.durationMs !== undefined) return action.durationMs;
  return Math.max(0, Date.parse(action.until!) - Date.now());
}

function contextOf({ input, nodes }: Run): TemplateContext {
  const finished: TemplateContext['nodes'] = {};
  for (const n of nodes.values()) {
    if (n.state === 'completed') finished[n.id] = { outcome: n.outcome, properties: n.properties };
  }
  return templateContext(input.flow, input.user, input.event, finished);
}
