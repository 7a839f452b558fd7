import { renderTemplate } from '../templates';
import { sampleContext } from './sample';
import type { Flow, Sample, SendEmailAction } from './schema';

/** One email of a flow as its sample event would send it. */
export interface EmailPreview {
  node: string;
  to: string;
  subject: string;
  html: string;
}

/** Rendered as the worker renders a send: the subject as text, the body with HTML escaping. */
export async function previewEmail(
  flow: Flow,
  sample: Sample,
  action: SendEmailAction,
): Promise<EmailPreview> {
  const context = sampleContext(flow, sample, flow.actions);
  return {
    node: action.id,
    to: action.to === undefined ? sample.email : await renderTemplate(action.to, context, 'none'),
    subject: await renderTemplate(action.subject, context, 'none'),
    html: await renderTemplate(action.body, context, 'html'),
  };
}

/** Every email of a flow, in the order the flow runs them; none without a sample. */
export async function previewEmails(flow: Flow): Promise<EmailPreview[]> {
  const { sample } = flow;
  if (!sample) return [];
  const emails = flow.actions.filter((a): a is SendEmailAction => a.type === 'sendEmail');
  return Promise.all(emails.map((action) => previewEmail(flow, sample, action)));
}
