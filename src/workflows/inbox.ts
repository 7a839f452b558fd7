import { condition } from '@temporalio/workflow';
import type { InboxState, RunEvent } from './definitions';

/** More events than any flow waits for; past it, the oldest goes. */
const MAX_EVENTS = 100;
/** A client retries an event within moments, not after a thousand others. */
const MAX_SEEN = 1000;

export interface Waiter {
  /** The node's place in the flow: of two nodes waiting for one event, the first claims it. */
  order: number;
  matches: (event: RunEvent) => boolean;
}

export interface EventInbox {
  /** A later event of the user, as the `event` signal brings it. */
  receive(event: RunEvent): void;
  /** The first matching event not taken yet, or undefined once `timeoutMs` has passed. */
  take(waiter: Waiter, timeoutMs: number): Promise<RunEvent | undefined>;
  /** What a continue-as-new carries. */
  state(): InboxState;
}

/**
 * The user's later events, as the API delivers them, each claimed once: by the first node, in
 * node order, waiting for it when it arrives, or else by the first node that starts waiting for
 * it later. Either is one synchronous step (the signal handler, or the start of a wait), so no
 * two waits can take the same event.
 *
 * Kept from the run's start, so an event that arrives while earlier actions are still running
 * is not lost to a wait that follows; but only while a wait that is not over could take it.
 */
export class Inbox implements EventInbox {
  private readonly events: RunEvent[];
  private readonly seen: string[];
  private readonly waiting: (Waiter & { event?: RunEvent })[] = [];

  constructor(
    private readonly wanted: (event: RunEvent) => boolean,
    { events, seen }: InboxState,
  ) {
    this.events = [...events];
    this.seen = [...seen];
  }

  async take(waiter: Waiter, timeoutMs: number): Promise<RunEvent | undefined> {
    const index = this.events.findIndex(waiter.matches);
    if (index >= 0) return this.events.splice(index, 1)[0];
    const claim: Waiter & { event?: RunEvent } = { ...waiter };
    const later = this.waiting.findIndex((w) => w.order > waiter.order);
    this.waiting.splice(later < 0 ? this.waiting.length : later, 0, claim);
    try {
      await condition(() => claim.event !== undefined, timeoutMs);
      // Even if the timeout came in the same task: an event handed over is never lost.
      return claim.event;
    } finally {
      this.waiting.splice(this.waiting.indexOf(claim), 1);
    }
  }

  state(): InboxState {
    this.prune();
    // An event handed to a wait in the same task as a continue-as-new goes back in first:
    // the wait, carried over still waiting, takes it again in the next run.
    const handed = this.waiting.flatMap((w) => (w.event ? [w.event] : []));
    return { events: [...handed, ...this.events], seen: [...this.seen] };
  }

  receive(event: RunEvent): void {
    if (event.id !== undefined) {
      if (this.seen.includes(event.id)) return;
      this.seen.push(event.id);
      if (this.seen.length > MAX_SEEN) this.seen.shift();
    }
    const waiter = this.waiting.find((w) => !w.event && w.matches(event));
    if (waiter) {
      waiter.event = event;
      return;
    }
    this.prune();
    if (!this.wanted(event)) return;
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }

  /** Drops the events no wait can take any more: their waits are over, or were skipped. */
  private prune(): void {
    const kept = this.events.filter(this.wanted);
    this.events.splice(0, this.events.length, ...kept);
  }
}
