import { sleep } from '../stats';
import { postEvent, statusCounts, type ChaosEvent, type Reply } from './client';
import { CHAOS_FLOWS } from './flows';
import { expectedRuns, waitForRuns } from './runs';
import { chaosEvent, seconds, settle, type Note, type ScenarioFigures } from './scenario';
import type { ChaosSystem } from './system';

export interface FloodSizes {
  /** Seconds of the closed loop that measures how many starts per second the server takes. */
  probeS: number;
  burstS: number;
  /** The burst's rate, as a multiple of that capacity. */
  factor: number;
}

const PROBE_IN_FLIGHT = 16;

/**
 * Scenario 5: a burst of `factor` times the server's start capacity, each event sent once.
 * Every event must be accepted (and its run complete) or refused with 429 or 503: an event
 * accepted and then lost is the one outcome that may not happen.
 */
export async function flood(
  sys: ChaosSystem,
  sizes: FloodSizes,
  note: Note,
): Promise<ScenarioFigures> {
  const url = sys.socktech.url;
  let next = 0;
  const nextEvent = () => chaosEvent('flood', CHAOS_FLOWS.flood.event, next++);
  const sent: { event: ChaosEvent; reply: Reply }[] = [];
  const send = async (event: ChaosEvent) => {
    sent.push({ event, reply: await postEvent(url, event, 60_000) });
  };

  const probeUntil = performance.now() + sizes.probeS * 1000;
  const lane = async () => {
    while (performance.now() < probeUntil) await send(nextEvent());
  };
  await Promise.all(Array.from({ length: PROBE_IN_FLIGHT }, lane));
  const capacity = sent.filter((s) => s.reply.accepted).length / sizes.probeS;
  const rate = Math.max(1, Math.round(capacity * sizes.factor));
  note(`capacity ${capacity.toFixed(0)} starts/s; bursting ${rate}/s for ${sizes.burstS} s`);

  const probed = sent.length;
  const burstStarted = performance.now();
  const burst: Promise<void>[] = [];
  for (let i = 0; i < rate * sizes.burstS; i++) {
    await sleep(burstStarted + (i * 1000) / rate - performance.now());
    burst.push(send(nextEvent()));
  }
  const burstEnded = performance.now();
  await Promise.all(burst);
  note(`burst answered in ${seconds(performance.now() - burstStarted)} s; waiting for the runs`);

  const accepted = sent.filter((s) => s.reply.accepted).map((s) => s.event);
  const settled = await settle(sys, 'flood', accepted, note);
  const drainedS = seconds(performance.now() - burstEnded);

  const inBurst = sent.slice(probed).map((s) => s.reply);
  const refused = inBurst.filter((r) => r.status === 429 || r.status === 503).length;
  const unanswered = sent.filter((s) => s.reply.status === 0).map((s) => s.event);
  const others = inBurst.filter((r) => !r.accepted && ![0, 429, 503].includes(r.status));
  const found = await waitForRuns(
    sys.client,
    expectedRuns(sys.flows.flood, unanswered).map((r) => r.workflowId),
    0,
  );
  const startedUnanswered = [...found.values()].filter((s) => s !== 'NOT_FOUND').length;
  const failures = [];
  if (others.length > 0)
    failures.push(`${others.length} events neither accepted nor refused with 429/503`);
  if (unanswered.length > 0) failures.push(`${unanswered.length} events never answered`);
  return {
    scenario: 'flood',
    label: `flood ${sizes.factor}× capacity for ${sizes.burstS} s`,
    ...settled,
    kills: 0,
    recoveryS: [drainedS],
    notes: [
      `capacity ${capacity.toFixed(0)} starts/s (closed loop, ${PROBE_IN_FLIGHT} in flight, ` +
        `${sizes.probeS} s); burst of ${inBurst.length} events at ${rate}/s`,
      `burst: accepted ${inBurst.filter((r) => r.accepted).length}, refused with 429/503 ` +
        `${refused}, no answer within 60 s ${unanswered.length} (runs started anyway: ` +
        `${startedUnanswered}), other ${others.length}: ${statusCounts(others)}`,
      `done waiting for the accepted runs ${drainedS} s after the burst ended`,
    ],
    failures,
  };
}
