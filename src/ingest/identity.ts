import { createHash } from 'node:crypto';
import { canonical } from '../flows/version';
import type { Flow } from '../flows/schema';
import type { IncomingEvent } from './event';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const normalEmail = (email: string) => email.trim().toLowerCase();

/** Emails never appear in IDs or search attributes (visibility stores them in clear). */
export function userHash(email: string): string {
  return sha256(normalEmail(email)).slice(0, 32);
}

/**
 * The client's dedupe key, or one derived from what the event says, so that a client's retry
 * of an event without an id is a duplicate rather than a second run of an every-event flow.
 */
export function dedupeKey(event: IncomingEvent): string {
  if (event.id !== undefined) return event.id;
  const { name, email, timestamp, properties } = event;
  return sha256(
    canonical({ name, email: normalEmail(email), timestamp: timestamp ?? null, properties }),
  );
}

/**
 * An event id as headers can carry it (webhooks send it in Idempotency-Key, which takes nothing
 * beyond Latin-1): printable ASCII as it is, anything else and "%" percent-encoded, so two ids
 * never come out the same.
 */
export const headerSafe = (key: string) =>
  key.replace(/[^\x20-\x24\x26-\x7e]/gu, encodeURIComponent);

/**
 * Deterministic, so a duplicate start finds the run it duplicates: one ID per user and flow,
 * and per event for flows that run for every event.
 */
export function workflowIdFor(flow: Flow, user: string, key: string): string {
  const base = `${flow.id}:${user}`;
  return flow.reentry === 'every-event' ? `${base}:${headerSafe(key)}` : base;
}
