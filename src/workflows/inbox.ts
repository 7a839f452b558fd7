import { condition, setHandler } from '@temporalio/workflow';
import { eventSignal, type RunEvent } from './definitions';

/**
 * The user's later events, as the API delivers them. Kept from the run's start, so an event
 * that arrives while earlier actions are still running is not lost to a wait that follows.
 */
export class Inbox {
  private readonly events: RunEvent[] = [];

  constructor() {
    setHandler(eventSignal, (event) => {
      this.events.push(event);
    });
  }

  /** The first matching event not taken yet, or undefined once `timeoutMs` has passed. */
  async take(
    matches: (event: RunEvent) => boolean,
    timeoutMs: number,
  ): Promise<RunEvent | undefined> {
    let index = -1;
    const found = await condition(() => (index = this.events.findIndex(matches)) >= 0, timeoutMs);
    return found ? this.events.splice(index, 1)[0] : undefined;
  }
}
