import { ApplicationFailure } from '@temporalio/common';
import { headerSafe, userHash } from '../ingest/identity';
import type { Store } from '../store/db';
import type { DeliveryKey } from '../store/ledger';
import type { Rate } from '../store/rateLimit';
import type { HttpMethod } from '../flows/schema';
import type { TemplateContext } from '../templates';
import { deliveredBefore, deliveryKey, recordDelivered } from './delivered';
import { rateTurn, type RateWait } from './rate';
import { renderField } from './render';

export type { HttpMethod };

export interface WebhookInput {
  workflowId: string;
  nodeId: string;
  /** Template; a path starting with '/' is appended to the configured base URL. */
  url: string;
  method: HttpMethod;
  /** Header values are templates. */
  headers?: Record<string, string>;
  /** Template, rendered without escaping; a summary of the run as JSON when absent. */
  body?: string;
  context: TemplateContext;
  /** The place in line an earlier answer `rateLimited` kept for this call. */
  rateSlot?: number;
}

export interface WebhookResult {
  /** Absent when rate limited. */
  status?: number;
  /** When the activity began, the start of the reaction time the benchmarks measure. */
  startedAt: number;
  /** Date.now() when it ended: the node's time in the run's timeline, live and replayed alike. */
  finishedAt: number;
  /** An earlier execution of this node made the call: none was made this time. */
  alreadyDelivered?: true;
  /** Over WEBHOOK_RATE for the URL's host: not called yet. */
  rateLimited?: RateWait;
}

export interface WebhookDeps {
  webhookBaseUrl: string;
  webhookTimeoutMs?: number;
  webhookRate?: Rate;
}

export async function callWebhook(
  deps: WebhookDeps,
  ledger: Store,
  input: WebhookInput,
): Promise<WebhookResult> {
  const startedAt = Date.now();
  const { method, context } = input;
  const key = deliveryKey(input);
  const earlier = await deliveredBefore(ledger, key);
  if (earlier) {
    return {
      status: earlier.status!,
      startedAt: earlier.startedAt.getTime(),
      finishedAt: earlier.deliveredAt.getTime(),
      alreadyDelivered: true,
    };
  }
  const timeoutMs = deps.webhookTimeoutMs ?? 10_000;
  const url = resolveUrl(await renderField('url', input.url, context, 'none'), deps.webhookBaseUrl);
  const target = `${method} ${url}`;
  const body = await requestBody(input);
  const headers = await requestHeaders(input, key, body !== undefined);
  const turn = await rateTurn(ledger, `webhook:${url.host}`, deps.webhookRate, input.rateSlot);
  if (turn.wait) return { rateLimited: turn.wait, startedAt, finishedAt: Date.now() };

  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw networkFailure(err as Error, target, timeoutMs);
  } finally {
    await turn.done();
  }
  // Only the status matters; dropping the body frees the connection for the next call.
  await response.body?.cancel();
  if (!response.ok) throw statusFailure(response, target);
  const finishedAt = Date.now();
  await recordDelivered(ledger, {
    ...key,
    channel: 'webhook',
    userHash: userHash(context.user.email),
    address: context.user.email,
    addressHash: userHash(context.user.email),
    reply: `${response.status} ${response.statusText}`,
    status: response.status,
    startedAt: new Date(startedAt),
    deliveredAt: new Date(finishedAt),
  });
  return { status: response.status, startedAt, finishedAt };
}

function resolveUrl(rendered: string, baseUrl: string): URL {
  const absolute = rendered.startsWith('/') ? baseUrl.replace(/\/$/, '') + rendered : rendered;
  const url = URL.canParse(absolute) ? new URL(absolute) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw ApplicationFailure.nonRetryable(
      `Invalid webhook URL ${JSON.stringify(absolute)}: expected http(s)://... or /path`,
      'InvalidUrl',
    );
  }
  return url;
}

async function requestBody(input: WebhookInput): Promise<string | undefined> {
  const { workflowId, nodeId, method, context } = input;
  if (input.body !== undefined) {
    if (method === 'GET') {
      throw ApplicationFailure.nonRetryable('A GET webhook cannot have a body', 'InvalidRequest');
    }
    return renderField('body', input.body, context, 'none');
  }
  if (method === 'GET' || method === 'DELETE') return undefined;
  const { name, id, timestamp, properties } = context.event;
  return JSON.stringify({
    flow: context.flow,
    node: nodeId,
    workflowId,
    event: { name, id, timestamp, properties },
    user: { email: context.user.email },
  });
}

async function requestHeaders(
  input: WebhookInput,
  key: DeliveryKey,
  hasBody: boolean,
): Promise<Headers> {
  const headers = new Headers();
  for (const [name, template] of Object.entries(input.headers ?? {})) {
    const value = await renderField(`header ${name}`, template, input.context, 'none');
    try {
      headers.set(name, value);
    } catch (err) {
      throw ApplicationFailure.nonRetryable(
        `header ${name}: ${(err as Error).message}`,
        'InvalidRequest',
      );
    }
  }
  if (hasBody && !headers.has('content-type')) headers.set('Content-Type', 'application/json');
  // Set last so a flow cannot override them: receivers dedupe retries by this key.
  headers.set('Idempotency-Key', `${key.workflowId}/${headerSafe(key.eventId)}/${key.nodeId}`);
  headers.set('User-Agent', 'socktech');
  return headers;
}

function networkFailure(err: Error, target: string, timeoutMs: number): ApplicationFailure {
  if (err.name === 'TimeoutError') {
    return ApplicationFailure.retryable(
      `No response within ${timeoutMs} ms from ${target}`,
      'HttpTimeout',
    );
  }
  // fetch reports every network failure as "fetch failed"; the reason is in the cause.
  const reason = err.cause instanceof Error ? err.cause.message : err.message;
  return ApplicationFailure.retryable(`${target} failed: ${reason}`, 'HttpUnavailable');
}

// Overload (429), a timed-out request (408) and server errors may pass later; any other
// refusal would be repeated word for word.
function statusFailure(response: Response, target: string): ApplicationFailure {
  const message = `HTTP ${response.status} ${response.statusText} from ${target}`;
  const transient = response.status >= 500 || response.status === 429 || response.status === 408;
  return transient
    ? ApplicationFailure.retryable(message, 'HttpError')
    : ApplicationFailure.nonRetryable(message, 'HttpError');
}
