import { sleep } from '../stats';

export interface ChaosEvent {
  name: string;
  email: string;
  /** The client's dedupe key: the same on every retry. */
  id: string;
  properties: Record<string, unknown>;
}

/** One answer to one POST; status 0 when none came (connection refused, reset, timeout). */
export interface Reply {
  status: number;
  /** A 202 in which every flow the event matched was started, had been already, or was queued. */
  accepted: boolean;
  retryAfter?: string;
  /** Of a 202 not accepted: what became of each flow, e.g. "started, error: <reason>". */
  outcomes?: string;
  /** Some of its runs were queued: Temporal was away for them, not for the rest. */
  queued?: boolean;
  sentAt: number;
  at: number;
}

// `queued`: kept in Socktech's store, started once Temporal answers; the runs' check counts it.
const DONE = new Set(['started', 'duplicate', 'filtered', 'queued']);

interface EventsReply {
  events: { matched: { outcome: string; reason?: string }[] }[];
}

/** One POST /v1/events of a single event. */
export async function postEvent(
  apiUrl: string,
  event: ChaosEvent,
  timeoutMs = 30_000,
): Promise<Reply> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${apiUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await res.json().catch(() => undefined)) as EventsReply | undefined;
    const matched = res.status === 202 ? (body?.events.flatMap((e) => e.matched) ?? []) : [];
    const accepted = res.status === 202 && matched.every((m) => DONE.has(m.outcome));
    const outcomes =
      res.status === 202 && !accepted
        ? matched.map((m) => (m.reason ? `${m.outcome}: ${m.reason}` : m.outcome)).join(', ')
        : undefined;
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    const queued = matched.some((m) => m.outcome === 'queued') || undefined;
    return { status: res.status, accepted, retryAfter, outcomes, queued, sentAt, at: Date.now() };
  } catch {
    return { status: 0, accepted: false, sentAt, at: Date.now() };
  }
}

/** However long the chaos, an event not accepted after this is a scenario that cannot end. */
const GIVE_UP_MS = 300_000;

/**
 * What a careful client does: sends the event, and unless it was accepted sends it again with
 * the same id, after Retry-After when the server gives one (at most 5 s), or a growing pause.
 * Every reply goes to `replies`. A 4xx other than 429 is the event's fault, never retried.
 */
export async function sendUntilAccepted(
  apiUrl: string,
  event: ChaosEvent,
  replies: Reply[],
): Promise<void> {
  const giveUpAt = Date.now() + GIVE_UP_MS;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    const reply = await postEvent(apiUrl, event);
    replies.push(reply);
    if (reply.accepted) return;
    const refused = reply.status >= 400 && reply.status < 500 && reply.status !== 429;
    if (refused || Date.now() > giveUpAt) {
      throw new Error(`POST /v1/events of event ${event.id}: not accepted, ${reply.status}`);
    }
    const asked = Number(reply.retryAfter);
    await sleep(Number.isFinite(asked) && asked > 0 ? Math.min(asked, 5) * 1000 : pause);
  }
}

/** Sends `events` at `perSecond`, each until accepted; resolves when all are. */
export async function sendAll(
  apiUrl: string,
  events: readonly ChaosEvent[],
  perSecond: number,
  replies: Reply[],
): Promise<void> {
  const started = performance.now();
  const sending: Promise<void>[] = [];
  for (const [i, event] of events.entries()) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    sending.push(sendUntilAccepted(apiUrl, event, replies));
  }
  await Promise.all(sending);
}

/** "503 ×3, 202 (started, error: …) ×2": status 0 is no answer at all. */
export function statusCounts(replies: readonly Reply[]): string {
  const counts = new Map<string, number>();
  for (const { status, outcomes } of replies) {
    const key = outcomes ? `${status} (${outcomes.slice(0, 120)})` : String(status);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ×${n}`).join(', ') || 'none';
}
