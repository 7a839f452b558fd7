import { proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Action } from '../flows/schema';
import type { TemplateContext } from '../templates';
import type { FlowRunInput, NodeState } from './definitions';
import { withRetries } from './retry';

// One attempt per call: withRetries owns the retry loop (see retry.ts for why).
const { sendEmail, callWebhook } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/** Runs one action to its end; returns the outcome that labelled edges choose paths by. */
export async function runAction(
  action: Action,
  node: NodeState,
  input: FlowRunInput,
  nodes: Map<string, NodeState>,
): Promise<string | undefined> {
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
