import { sleep } from '../stats';
import { sendAll, type Reply } from './client';
import { CHAOS_FLOWS } from './flows';
import { chaosEvents, seconds, settle, type Note, type ScenarioFigures } from './scenario';
import { FLAKY_PATH, REFUSING_PATH, type WebhookCall } from './sink';
import type { ChaosSystem } from './system';
import { callSource } from './tally';

export interface FailingTargetsSizes {
  runs: number;
  smtpDownS: number;
}

/**
 * Scenario 3: the SMTP server goes down for a while, then comes back; every run also calls a
 * webhook answering 500 then 200 (retried until delivered) and one answering 400 (permanent:
 * called once, and the run goes on past it, as its onFailure "continue" says).
 */
export async function failingTargets(
  sys: ChaosSystem,
  sizes: FailingTargetsSizes,
  note: Note,
): Promise<ScenarioFigures> {
  const events = chaosEvents('failingTargets', CHAOS_FLOWS.failingTargets.event, sizes.runs);
  const replies: Reply[] = [];
  // A third before the outage, so that some runs are midway when it begins; the rest during it.
  const before = Math.ceil(events.length / 3);
  note(`${before} events, then SMTP down for ${sizes.smtpDownS} s, ${events.length - before} more`);
  await sendAll(sys.socktech.url, events.slice(0, before), 10, replies);
  sys.sink.smtpDown();
  const downAt = performance.now();
  const during = events.length - before;
  await sendAll(sys.socktech.url, events.slice(before), during / (sizes.smtpDownS / 2), replies);
  await sleep(downAt + sizes.smtpDownS * 1000 - performance.now());
  await sys.sink.smtpUp();
  const upAt = performance.now();
  note('SMTP is back; waiting for the runs');
  const settled = await settle(sys, 'failingTargets', events, note);
  const recoveredS = seconds(performance.now() - upAt);

  const keys = new Set(settled.expected.map((r) => r.workflowId));
  const calls = sys.sink.webhookCalls().filter((c) => keys.has(callSource(c.key).workflowId));
  const refused = calls.filter((c) => c.path === REFUSING_PATH);
  const flaky = byKey(calls.filter((c) => c.path === FLAKY_PATH));
  const flakyThenOk = [...flaky.values()].filter(
    (statuses) => statuses[0] === 500 && statuses.includes(200),
  ).length;
  const refusedKeys = new Set(refused.map((c) => c.key)).size;
  const failures = [];
  if (refused.length > refusedKeys)
    failures.push(`a 400 was retried ${refused.length - refusedKeys} times`);
  if (flakyThenOk < keys.size)
    failures.push(`${keys.size - flakyThenOk} runs never got past the 500`);
  return {
    scenario: 'failingTargets',
    label: `SMTP down ${sizes.smtpDownS} s; webhooks 500→200, 400`,
    ...settled,
    kills: 1,
    recoveryS: [recoveredS],
    notes: [
      `done waiting for the runs ${recoveredS} s after SMTP came back`,
      `webhook answering 400: ${refused.length} calls for ${keys.size} runs (no retry: one each)`,
      `webhook answering 500 then 200: ${flakyThenOk} of ${keys.size} runs got the 500, then a 200`,
    ],
    failures,
  };
}

function byKey(calls: readonly WebhookCall[]): Map<string, number[]> {
  const statuses = new Map<string, number[]>();
  for (const { key, status } of calls) statuses.set(key, [...(statuses.get(key) ?? []), status]);
  return statuses;
}
