import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { MATCH_OUTCOMES } from '../ingest/match';

/** Everything `GET /metrics` shows. The Temporal worker's own metrics have their own port. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** `events` is POST /v1/events, `segment` the Segment-compatible routes. */
export type Source = 'events' | 'segment';

export const eventsReceived = new Counter({
  name: 'socktech_events_received_total',
  help: 'Events read from request bodies (received = accepted + rejected)',
  labelNames: ['source'] as const,
  registers: [registry],
});

export const eventsAccepted = new Counter({
  name: 'socktech_events_accepted_total',
  help: 'Events handed to ingest, which matches them to flows',
  labelNames: ['source'] as const,
  registers: [registry],
});

export const eventsRejected = new Counter({
  name: 'socktech_events_rejected_total',
  help:
    'Events not ingested, by reason: invalid, no_email, not_track (other Segment calls), ' +
    'unavailable (Temporal unreachable, 503), error',
  labelNames: ['source', 'reason'] as const,
  registers: [registry],
});

export const runs = new Counter({
  name: 'socktech_runs_total',
  help: `Flow matches by flow and outcome: ${MATCH_OUTCOMES.join(', ')}`,
  labelNames: ['flow', 'outcome'] as const,
  registers: [registry],
});

export const actionAttempts = new Counter({
  name: 'socktech_action_attempts_total',
  help: 'Action attempts by type (activity), counted by the worker in this process',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const actionFailures = new Counter({
  name: 'socktech_action_failures_total',
  help: 'Failed action attempts by type (activity), counted by the worker in this process',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const emailsSuppressed = new Counter({
  name: 'socktech_emails_suppressed_total',
  help: 'Marketing emails not sent to a suppressed address, by flow, counted by the worker in this process',
  labelNames: ['flow'] as const,
  registers: [registry],
});

export const emailsCapped = new Counter({
  name: 'socktech_emails_capped_total',
  help:
    "Marketing emails held back by the user's frequency cap, by flow (an email that waits for " +
    'the cap counts at each check that finds it reached), counted by the worker in this process',
  labelNames: ['flow'] as const,
  registers: [registry],
});

export const rateWaits = new Counter({
  name: 'socktech_rate_waits_total',
  help:
    'Sends told to wait by a provider rate limit (smtp, webhook: SMTP_RATE, WEBHOOK_RATE), ' +
    'counted by the worker in this process',
  labelNames: ['limit'] as const,
  registers: [registry],
});

export const splitPaths = new Counter({
  name: 'socktech_split_paths_total',
  help: 'Runs that took each path of a split, by flow, node and path, counted by the worker in this process',
  labelNames: ['flow', 'node', 'path'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'socktech_http_request_duration_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
