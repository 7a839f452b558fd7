import { condition } from '@temporalio/workflow';
import type { InboxState, RunEvent } from './definitions';
import type { EventInbox, Waiter } from './inbox';

/**
 * The inbox of runs started before patch "inbox-claims-once", unchanged so that their
 * histories replay: two waits for one event can both see it, and a retried event id counts
 * twice. Remove it once no such run is left (docs/versioning.md).
 */
export class LegacyInbox implements EventInbox {
  private readonly events: RunEvent[] = [];

  receive(event: RunEvent): void {
    this.events.push(event);
  }

  async take({ matches }: Waiter, timeoutMs: number): Promise<RunEvent | undefined> {
    let index = -1;
    const found = await condition(() => (index = this.events.findIndex(matches)) >= 0, timeoutMs);
    return found ? this.events.splice(index, 1)[0] : undefined;
  }

  state(): InboxState {
    return { events: [...this.events], seen: [] };
  }
}
