// The baseline: what a Temporal user would write by hand for the bench flows, with the same
// activity settings as Socktech's interpreter (local, one attempt) and activities of its own
// that use no store (./activities.ts).
import { proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { templateContext } from '../../src/flows/templateContext';
import { FLOW_TEMPLATES as t, SLEEP_MS } from '../templates';
import type { BaselineActivities } from './activities';

const { sendEmail, callWebhook } = proxyLocalActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

export interface BaselineInput {
  email: string;
  properties: Record<string, unknown>;
}

/** email1 → email2, and the webhook beside email1. */
export async function threeActions(input: BaselineInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const context = templateContext(
    { id: 'baseline', name: 'Baseline', version: '1' },
    { email: input.email },
    { name: 'bench.flow', properties: input.properties },
  );
  const emails = async () => {
    await sendEmail({ workflowId, nodeId: 'email1', ...t.email1, context });
    await sendEmail({ workflowId, nodeId: 'email2', ...t.email2, context });
  };
  const hook = callWebhook({ workflowId, nodeId: 'hook', ...t.hook, context });
  await Promise.all([emails(), hook]);
}

/** Waits a day: what the ingest benchmark starts, so that it measures starting, not running. */
export async function sleeper(_input: BaselineInput): Promise<void> {
  await sleep(SLEEP_MS);
}
