import type { FrequencyCap } from '../flows/frequencyCap';
import type { Store } from '../store/db';
import type { Rate } from '../store/rateLimit';
import { closeMailers } from './mailer';
import { sendEmail, type SendEmailInput } from './sendEmail';
import { callWebhook, type WebhookInput } from './webhook';

export type { SendEmailInput, SendEmailResult } from './sendEmail';
export type { HttpMethod, WebhookInput, WebhookResult } from './webhook';

export interface ActivityDeps {
  smtpUrl: string;
  mailFrom: string;
  /** Where webhook URLs that are only a path ('/...') are sent. */
  webhookBaseUrl: string;
  webhookTimeoutMs?: number;
  /** Where recipients reach the API: the base of unsubscribe links. */
  publicUrl: string;
  /** Signs the unsubscribe links (SOCKTECH_SECRET). */
  secret: string;
  /** FREQUENCY_CAP: for marketing emails whose flow sets none. */
  frequencyCap?: FrequencyCap;
  /** SMTP_RATE: every email, across the workers that share the store. */
  smtpRate?: Rate;
  /** WEBHOOK_RATE: the calls to each host, across the workers that share the store. */
  webhookRate?: Rate;
}

/**
 * Every property becomes an activity when passed to a worker, hence no close() in here.
 * `ledger` is the store, which records every send (see store/ledger.ts).
 */
export function createActivities(deps: ActivityDeps, ledger: Store) {
  return {
    sendEmail: (input: SendEmailInput) => sendEmail(deps, ledger, input),
    callWebhook: (input: WebhookInput) => callWebhook(deps, ledger, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Closes the SMTP connection pools, after the worker has stopped. */
export function closeActivities(): void {
  closeMailers();
}
