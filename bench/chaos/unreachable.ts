import { sleep } from '../stats';
import { postEvent, sendUntilAccepted, statusCounts, type ChaosEvent, type Reply } from './client';
import { CHAOS_FLOWS } from './flows';
import { expectedRuns, waitForRuns } from './runs';
import { chaosEvents, seconds, settle, type Note, type ScenarioFigures } from './scenario';
import type { ChaosSystem } from './system';

export interface UnreachableSizes {
  perSecond: number;
  /** How long Temporal stays down, and how long events flow before and after. */
  downS: number;
  aroundS: number;
}

/**
 * Scenario 4: Temporal goes away while events keep coming. The API should refuse them with a
 * 503 and Retry-After, having started nothing of a refused event; the client's retries, once
 * Temporal is back, start each run once. Every fifth event is a probe sent once, never retried,
 * to see what a refusal left behind: all of its two runs, or none, but never one.
 */
export async function unreachable(
  sys: ChaosSystem,
  sizes: UnreachableSizes,
  note: Note,
): Promise<ScenarioFigures> {
  const count = Math.round(sizes.perSecond * (2 * sizes.aroundS + sizes.downS));
  const events = chaosEvents('unreachable', CHAOS_FLOWS.unreachable.event, count);
  const isProbe = (i: number) => i % 5 === 4;
  const replies: Reply[] = [];
  const probeReplies = new Map<ChaosEvent, Reply>();
  note(`${count} events at ${sizes.perSecond}/s; Temporal down for ${sizes.downS} s in the middle`);

  const sending = (async () => {
    const started = performance.now();
    const sent: Promise<void>[] = [];
    for (const [i, event] of events.entries()) {
      await sleep(started + (i * 1000) / sizes.perSecond - performance.now());
      sent.push(
        isProbe(i)
          ? postEvent(sys.socktech.url, event).then((reply) => {
              replies.push(reply);
              probeReplies.set(event, reply);
            })
          : sendUntilAccepted(sys.socktech.url, event, replies),
      );
    }
    await Promise.all(sent);
  })();

  await sleep(sizes.aroundS * 1000);
  const downAt = Date.now();
  await sys.temporal.kill();
  note('Temporal killed; events keep coming');
  await sleep(sizes.downS * 1000);
  const upAt = Date.now();
  await sys.temporal.start();
  note('Temporal is back');
  await sending;

  const refusedProbes = events.filter((e, i) => isProbe(i) && !probeReplies.get(e)?.accepted);
  const kept = events.filter((e, i) => !isProbe(i) || probeReplies.get(e)?.accepted);
  const settled = await settle(sys, 'unreachable', kept, note);

  const leftBehind = expectedRuns(sys.flows.unreachable, refusedProbes);
  const found = await waitForRuns(
    sys.client,
    leftBehind.map((r) => r.workflowId),
    0,
  );
  const runsOf = (e: ChaosEvent) =>
    leftBehind.filter((r) => r.event === e && found.get(r.workflowId) !== 'NOT_FOUND').length;
  const halfStarted = refusedProbes.filter((e) => runsOf(e) === 1);
  const startedAnyway = refusedProbes.filter((e) => runsOf(e) === 2).length;

  // By when the request was sent: the API may hold a request until Temporal is back.
  const whileDown = replies.filter((r) => r.sentAt >= downAt && r.sentAt <= upAt);
  const refusedWell = (r: Reply) => r.status === 503 && r.retryAfter !== undefined;
  const held = whileDown.filter((r) => r.accepted);
  const badly = whileDown.filter((r) => !r.accepted && !refusedWell(r));
  const longestHoldS = seconds(Math.max(0, ...held.map((r) => r.at - r.sentAt)));
  const firstAccepted = Math.min(
    ...replies.filter((r) => r.accepted && r.at > upAt).map((r) => r.at),
  );
  const recoveredS = seconds(firstAccepted - upAt);
  const failures = [];
  if (badly.length > 0) {
    failures.push(
      `${badly.length} POSTs while down got ${statusCounts(badly)}, not 503 + Retry-After`,
    );
  }
  if (halfStarted.length > 0) {
    const said = statusCounts(halfStarted.map((e) => probeReplies.get(e)!));
    failures.push(`refused events half-started: ${halfStarted.length}; their replies: ${said}`);
  }
  return {
    scenario: 'unreachable',
    label: `Temporal unreachable ${sizes.downS} s`,
    ...settled,
    kills: 1,
    recoveryS: [recoveredS],
    notes: [
      `POSTs sent while Temporal was down: ${whileDown.length}; refused with 503 and ` +
        `Retry-After ${whileDown.filter(refusedWell).length}, held until it was back and ` +
        `accepted ${held.length} (longest ${longestHoldS} s), other ${badly.length}`,
      `first event accepted ${recoveredS} s after Temporal was started again`,
      `accepted with a run queued (Temporal away for it, not for the rest of its event): ` +
        `${replies.filter((r) => r.queued).length}`,
      `probes (sent once) refused: ${refusedProbes.length}; of those, half-started ` +
        `${halfStarted.length}, started in full anyway ${startedAnyway}`,
    ],
    failures,
  };
}
