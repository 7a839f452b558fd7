import { proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ROOT } from '../flows/edges';
import type { Action } from '../flows/schema';
import { matchesWhere } from '../flows/where';
import type { TemplateContext } from '../templates';
import type { FlowRunInput, NodeState } from './definitions';
import type { Inbox } from './inbox';
import { withRetries } from './retry';

// One attempt per call: withRetries owns the retry loop (see retry.ts for why).
const { sendEmail, callWebhook } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

export interface Run {
  input: FlowRunInput;
  nodes: Map<string, NodeState>;
  inbox: Inbox;
}

/** Runs one action to its end; returns the outcome that labelled edges choose paths by. */
export async function runAction(
  action: Action,
  node: NodeState,
  run: Run,
): Promise<string | undefined> {
  const { input, nodes } = run;
  const ids = { workflowId: workflowInfo().workflowId, nodeId: action.id };
  switch (action.type) {
    case 'sendEmail': {
      const { to, subject, body } = action;
      const context = templateContext(input, nodes);
      await withRetries(node, action.retry, () =>
        sendEmail({ ...ids, to, subject, body, context }),
      );
      return undefined;
    }
    case 'webhook': {
      const { url, method, headers, body } = action;
      const context = templateContext(input, nodes);
      await withRetries(node, action.retry, () =>
        callWebhook({ ...ids, url, method, headers, body, context }),
      );
      return undefined;
    }
    case 'delay': {
      node.state = 'waiting';
      await sleep(delayMs(action));
      return undefined;
    }
    case 'waitForEvent': {
      node.state = 'waiting';
      const matches = (e: { name: string; properties: Record<string, unknown> }) =>
        e.name === action.event && matchesWhere(action.where, e.properties);
      const received = await run.inbox.take(matches, action.timeoutMs);
      if (!received) return 'timedOut';
      node.properties = received.properties;
      return 'received';
    }
    case 'branch': {
      const tested = action.on === ROOT ? input.event.properties : nodes.get(action.on)?.properties;
      return matchesWhere(action.where, tested ?? {}) ? 'true' : 'false';
    }
  }
}

function delayMs(action: Extract<Action, { type: 'delay' }>): number {
  if (action.durationMs !== undefined) return action.durationMs;
  return Math.max(0, Date.parse(action.until!) - Date.now());
}

function templateContext(input: FlowRunInput, nodes: Map<string, NodeState>): TemplateContext {
  const { flow, event, user } = input;
  const finished: TemplateContext['nodes'] = {};
  for (const n of nodes.values()) {
    if (n.state === 'completed') finished[n.id] = { outcome: n.outcome, properties: n.properties };
  }
  return {
    user: { email: user.email },
    event,
    properties: event.properties,
    flow: { id: flow.id, name: flow.name, version: flow.version },
    nodes: finished,
  };
}
