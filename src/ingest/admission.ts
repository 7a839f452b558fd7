import type { Ingest } from './ingest';

/** Too many events of this API process are still being started: nothing of the request was. */
export class IngestBusyError extends Error {
  readonly retryAfterSeconds = 1;

  constructor(inFlight: number, max: number) {
    super(
      `busy: ${inFlight} events are being started and at most ${max} may be at once ` +
        '(INGEST_MAX_IN_FLIGHT); nothing of this request was ingested, try again',
    );
    this.name = 'IngestBusyError';
  }
}

/**
 * Refuses events while `max` are already on their way to Temporal. Past what the server can
 * start, a request would only wait in line until a start timed out: refused at once, the client
 * knows to send it again, and the events let in start well within their deadlines. A request
 * is let in whole or not at all, and one bigger than `max` only when nothing else is in flight.
 */
export function admit(ingest: Ingest, max: number): Ingest {
  let inFlight = 0;
  return async (events) => {
    if (inFlight > 0 && inFlight + events.length > max) throw new IngestBusyError(inFlight, max);
    inFlight += events.length;
    try {
      return await ingest(events);
    } finally {
      inFlight -= events.length;
    }
  };
}
