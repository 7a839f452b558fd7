import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { NodemailerError } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { FrequencyCap } from '../flows/frequencyCap';
import type { Category } from '../flows/schema';
import { userHash } from '../ingest/identity';
import { emailsSuppressed } from '../metrics';
import type { Store } from '../store/db';
import type { DeliveryKey } from '../store/ledger';
import type { Rate } from '../store/rateLimit';
import type { TemplateContext } from '../templates';
import { unsubscribeUrl } from '../unsubscribeLink';
import { cappedUntil, freePlace } from './cap';
import { deliveredBefore, deliveryKey, recordDelivered } from './delivered';
import { mailer } from './mailer';
import { rateTurn, type RateWait } from './rate';
import { renderField } from './render';
import { suppressedRecipients } from './suppression';
import { unsubscribeFooter, unsubscribeHeaders } from './unsubscribe';

export interface SendEmailInput {
  workflowId: string;
  nodeId: string;
  /** Marketing when absent, as in runs started before categories existed. */
  category?: Category;
  /** The flow's or the email's; FREQUENCY_CAP's when absent. */
  frequencyCap?: FrequencyCap;
  /** The place in line an earlier answer `rateLimited` kept for this send. */
  rateSlot?: number;
  /** Template for the recipient; the user's own address when absent. */
  to?: string;
  /** Template, rendered without escaping. */
  subject: string;
  /** Template for the HTML part, rendered with HTML escaping. */
  body: string;
  context: TemplateContext;
}

export interface SendEmailResult {
  /** Absent when suppressed. */
  messageId?: string;
  /** When the activity began, the start of the reaction time the benchmarks measure. */
  startedAt: number;
  /** Date.now() when it ended: the node's time in the run's timeline, live and replayed alike. */
  finishedAt: number;
  /** An earlier execution of this node sent it: nothing was sent this time. */
  alreadyDelivered?: true;
  /** Marketing email to an address that unsubscribed, bounced or complained: not sent. */
  suppressed?: true;
  /** The user's frequency cap is reached: not sent; the cap allows the next email then. */
  cappedUntil?: number;
  /** Over SMTP_RATE: not sent yet. */
  rateLimited?: RateWait;
}

export interface MailDeps {
  smtpUrl: string;
  mailFrom: string;
  /** Base of the unsubscribe links. */
  publicUrl: string;
  /** Signs the unsubscribe links. */
  secret: string;
  frequencyCap?: FrequencyCap;
  smtpRate?: Rate;
}

export async function sendEmail(
  deps: MailDeps,
  ledger: Store,
  input: SendEmailInput,
): Promise<SendEmailResult> {
  const startedAt = Date.now();
  const { workflowId, context } = input;
  const key = deliveryKey(input);
  const earlier = await deliveredBefore(ledger, key);
  if (earlier) {
    return {
      messageId: earlier.messageId,
      startedAt: earlier.startedAt.getTime(),
      finishedAt: earlier.deliveredAt.getTime(),
      alreadyDelivered: true,
    };
  }
  const to =
    input.to === undefined
      ? context.user.email
      : await renderField('to', input.to, context, 'none');
  const recipients = recipientsOf(to).map(userHash);
  const category = input.category ?? 'marketing';
  if (category === 'marketing') {
    if ((await suppressedRecipients(ledger, recipients)).length > 0) {
      emailsSuppressed.inc({ flow: context.flow.id });
      return { suppressed: true, startedAt, finishedAt: Date.now() };
    }
  }
  const subject = await renderField('subject', input.subject, context, 'none');
  const html = await renderField('body', input.body, context, 'html');
  // Last before sending: only a refused send can follow a reservation.
  const cap = category === 'marketing' ? (input.frequencyCap ?? deps.frequencyCap) : undefined;
  if (cap) {
    const send = { ...key, userHash: userHash(context.user.email), flowId: context.flow.id };
    const until = await cappedUntil(ledger, send, cap);
    if (until !== undefined) return { cappedUntil: until, startedAt, finishedAt: Date.now() };
  }
  const turn = await rateTurn(ledger, 'smtp', deps.smtpRate, input.rateSlot);
  if (turn.wait) return { rateLimited: turn.wait, startedAt, finishedAt: Date.now() };
  const messageId = messageIdFor(key);
  // One message, one link: for its first recipient.
  const unsubscribe = unsubscribeUrl(deps.publicUrl, deps.secret, recipients[0]);
  const footer = unsubscribeFooter(unsubscribe);
  let reply: string;
  try {
    const info = await mailer(deps.smtpUrl).sendMail({
      from: deps.mailFrom,
      to,
      subject,
      html: html + footer.html,
      text: `${htmlToText(html)}\n\n${footer.text}`,
      messageId,
      headers: { 'X-Socktech-Workflow-Id': workflowId, ...unsubscribeHeaders(unsubscribe) },
    });
    reply = info.response ?? '';
  } catch (err) {
    const failure = smtpFailure(err as NodemailerError, deps.smtpUrl);
    if (cap && failure.nonRetryable) await freePlace(ledger, key);
    throw failure;
  } finally {
    await turn.done();
  }
  const finishedAt = Date.now();
  const reserved = cap !== undefined;
  await recordDelivered(
    ledger,
    {
      ...key,
      channel: 'email',
      category,
      userHash: userHash(context.user.email),
      address: to,
      addressHash: userHash(to),
      reply,
      messageId,
      startedAt: new Date(startedAt),
      deliveredAt: new Date(finishedAt),
    },
    reserved,
  );
  return { messageId, startedAt, finishedAt };
}

/** The same send always gets the same id, so a copy that went out twice is recognisable. */
function messageIdFor({ workflowId, eventId, nodeId }: DeliveryKey): string {
  const hash = createHash('sha256').update(`${workflowId}\n${eventId}`).digest('hex').slice(0, 16);
  return `<${nodeId.replace(/[^\w.-]/g, '-')}.${hash}@socktech>`;
}

// The server would accept most malformed addresses and bounce them later, out of our sight.
function recipientsOf(to: string): string[] {
  const addresses = addressparser(to, { flatten: true }).map((a) => a.address);
  const valid = addresses.length > 0 && addresses.every((a) => /^[^\s@]+@[^\s@]+$/.test(a));
  if (!valid) {
    throw ApplicationFailure.nonRetryable(
      `Invalid recipient address ${JSON.stringify(to)}`,
      'InvalidRecipient',
    );
  }
  return addresses;
}

function smtpFailure(err: NodemailerError, smtpUrl: string): ApplicationFailure {
  const server = new URL(smtpUrl).host;
  if (err.responseCode) {
    // nodemailer sets `permanent` from the reply class: 5xx, except 503 (bad command sequence).
    const message = `SMTP server ${server} ${err.permanent ? 'rejected' : 'deferred'} the message: ${err.response ?? err.message}`;
    return err.permanent
      ? ApplicationFailure.nonRetryable(message, 'SmtpRejected')
      : ApplicationFailure.retryable(message, 'SmtpDeferred');
  }
  // Without a reply, an envelope error is nodemailer refusing the addresses before sending.
  if (err.code === 'EENVELOPE') {
    return ApplicationFailure.nonRetryable(err.message, 'InvalidEnvelope');
  }
  return ApplicationFailure.retryable(
    `Cannot send through SMTP server ${server}: ${err.message}`,
    'SmtpUnavailable',
  );
}

const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#34;': '"',
  '&#39;': "'",
  '&nbsp;': ' ',
};

/** A plain rendering for clients that do not show HTML: line breaks kept, tags dropped. */
function htmlToText(html: string): string {
  return html
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|h\d|li|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#34|#39|nbsp);/g, (entity) => entities[entity])
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
