import { REFUSING_PATH, type CountingSink, type Mail, type WebhookCall } from './sink';
import type { ExpectedRun } from './runs';

export interface DeliveryTally {
  expected: number;
  /** Expected mails and webhook calls the sink never accepted. */
  lost: number;
  /** Deliveries beyond the first with the same Message-ID or Idempotency-Key. */
  duplicates: number;
  duplicateMails: number;
  duplicateCalls: number;
}

/** The run and node of a webhook call, from its Idempotency-Key `<workflowId>/…/<nodeId>`. */
export function callSource(key: string): { workflowId: string; nodeId: string } {
  const parts = key.split('/');
  return { workflowId: parts[0], nodeId: parts[parts.length - 1] };
}

/**
 * Each expected run's deliveries against what the sink recorded: a mail is found by recipient
 * and subject (every run is a user of its own), a webhook call by run, node and a 2xx. The
 * refusing target is no delivery.
 */
export function tallyDeliveries(
  runs: readonly ExpectedRun[],
  mails: readonly Mail[],
  calls: readonly WebhookCall[],
): DeliveryTally {
  const mailKeys = new Set<string>();
  const callKeys = new Set<string>();
  for (const { workflowId, flow, event } of runs) {
    for (const action of flow.actions) {
      if (action.type === 'sendEmail') mailKeys.add(`${event.email} ${action.subject}`);
      if (action.type === 'webhook' && action.url !== REFUSING_PATH) {
        callKeys.add(`${workflowId}/${action.id}`);
      }
    }
  }
  const users = new Set(runs.map((r) => r.event.email));
  const ours = mails.filter((m) => users.has(m.to));
  const source = (key: string) => {
    const { workflowId, nodeId } = callSource(key);
    return `${workflowId}/${nodeId}`;
  };
  const delivered = calls.filter((c) => callKeys.has(source(c.key)) && c.status < 300);

  const received = new Set([
    ...ours.map((m) => `${m.to} ${m.subject}`),
    ...delivered.map((c) => source(c.key)),
  ]);
  const expected = [...mailKeys, ...callKeys];
  const duplicateMails = extra(ours.map((m) => m.messageId));
  const duplicateCalls = extra(delivered.map((c) => c.key));
  return {
    expected: expected.length,
    lost: expected.filter((key) => !received.has(key)).length,
    duplicates: duplicateMails + duplicateCalls,
    duplicateMails,
    duplicateCalls,
  };
}

/** How many values repeat one seen before. */
function extra(values: readonly string[]): number {
  return values.length - new Set(values).size;
}

/** A copy of a delivery the sink took: by `Message-ID` or `Idempotency-Key`, and when. */
export interface Taken {
  key: string;
  at: number;
}

export async function deliveriesTaken(sink: CountingSink): Promise<Taken[]> {
  return [
    ...(await sink.mails()).map((m) => ({ key: m.messageId, at: m.at })),
    ...sink
      .webhookCalls()
      .filter((c) => c.status < 300)
      .map((c) => ({ key: c.key, at: c.at })),
  ];
}
