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
  /** A 202 in which every flow the event matched was started, or had been already. */
  accepted: boolean;
  retryAfter?: string;
  sentAt: number;
  at: number;
}

const DONE = new Set(['started', 'duplicate', 'filtered']);

interface EventsReply {
  events: { matched: { outcome: string }[] }[];
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
    const accepted =
      res.status === 202 &&
      !!body?.events.every((e) => e.matched.every((m) => DONE.has(m.outcome)));
    const retryAfter = res.headers.get('retry-after') ?? undefined;
    return { status: res.status, accepted, retryAfter, sentAt, at: Date.now() };
  } catch {
    return { status: 0, accepted: false, sentAt, at: Date.now() };
  }
}

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
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    const reply = await postEvent(apiUrl, event);
    replies.push(reply);
    if (reply.accepted) return;
    if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
      throw new Error(`POST /v1/events refused event ${event.id}: ${reply.status}`);
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

/** "202 ×3, 503 ×2": status 0 is no answer at all. */
export function statusCounts(replies: readonly Reply[]): string {
  const counts = new Map<number, number>();
  for (const { status } of replies) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status} ×${n}`).join(', ') || 'none';
}
