// The baseline's activities: what a Temporal user would write by hand to send the bench flow's
// email and call its webhook. The message (subject, HTML body, unsubscribe link and headers) and
// the request are Socktech's, rendered from the same templates and sent through the same pooled
// SMTP transport and fetch; but there is no store: no ledger lookup before a send, no record after it, no
// suppression or cap read. What Socktech's store costs is the difference.
import { randomUUID } from 'node:crypto';
import { mailer } from '../../src/activities/mailer';
import { unsubscribeFooter, unsubscribeHeaders } from '../../src/activities/unsubscribe';
import { userHash } from '../../src/ingest/identity';
import { renderTemplate, type TemplateContext } from '../../src/templates';
import { unsubscribeUrl } from '../../src/unsubscribeLink';

export interface BaselineDeps {
  smtpUrl: string;
  mailFrom: string;
  webhookBaseUrl: string;
  publicUrl: string;
  secret: string;
}

export interface BaselineEmail {
  workflowId: string;
  nodeId: string;
  subject: string;
  body: string;
  context: TemplateContext;
}

export interface BaselineWebhook {
  workflowId: string;
  nodeId: string;
  url: string;
  method: 'POST';
  context: TemplateContext;
}

/** `startedAt`: when the activity began, which the reaction time measures to. */
export interface BaselineResult {
  startedAt: number;
  finishedAt: number;
}

export function baselineActivities(deps: BaselineDeps) {
  return {
    async sendEmail(input: BaselineEmail): Promise<BaselineResult> {
      const startedAt = Date.now();
      const { context } = input;
      const to = context.user.email;
      const [subject, html] = await Promise.all([
        renderTemplate(input.subject, context, 'none'),
        renderTemplate(input.body, context, 'html'),
      ]);
      const unsubscribe = unsubscribeUrl(deps.publicUrl, deps.secret, userHash(to));
      const footer = unsubscribeFooter(unsubscribe);
      await mailer(deps.smtpUrl).sendMail({
        from: deps.mailFrom,
        to,
        subject,
        html: html + footer.html,
        text: footer.text,
        messageId: `<${input.nodeId}.${randomUUID()}@baseline>`,
        headers: { 'X-Workflow-Id': input.workflowId, ...unsubscribeHeaders(unsubscribe) },
      });
      return { startedAt, finishedAt: Date.now() };
    },

    async callWebhook(input: BaselineWebhook): Promise<BaselineResult> {
      const startedAt = Date.now();
      const { workflowId, nodeId, context } = input;
      const url = deps.webhookBaseUrl.replace(/\/$/, '') + input.url;
      const response = await fetch(url, {
        method: input.method,
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': `${workflowId}/${nodeId}`,
        },
        body: JSON.stringify({
          flow: context.flow,
          node: nodeId,
          workflowId,
          event: context.event,
          user: { email: context.user.email },
        }),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`HTTP ${response.status} from ${input.method} ${url}`);
      return { startedAt, finishedAt: Date.now() };
    },
  };
}

export type BaselineActivities = ReturnType<typeof baselineActivities>;
