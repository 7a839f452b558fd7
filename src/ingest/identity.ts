import { createHash, randomUUID } from 'node:crypto';
import type { Flow } from '../flows/schema';
import type { IncomingEvent } from './event';

/** Emails never appear in IDs or search attributes (visibility stores them in clear). */
export function userHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

/** The client's dedupe key; an event without one is distinct from every other. */
export function dedupeKey(event: Pick<IncomingEvent, 'id'>): string {
  return event.id ?? randomUUID();
}

/**
 * Deterministic, so a duplicate start finds the run it duplicates: one ID per user and flow,
 * and per event for flows that run for every event.
 */
export function workflowIdFor(flow: Flow, user: string, key: string): string {
  const base = `${flow.id}:${user}`;
  return flow.reentry === 'every-event' ? `${base}:${key}` : base;
}
