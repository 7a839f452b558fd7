import { renderTemplate, type TemplateContext } from '../templates';
import type { Flow, Sample, SendEmailAction } from './schema';

/** One email of a flow as its sample event would send it. */
export interface EmailPreview {
  node: string;
  to: string;
  subject: string;
  html: string;
}

/** What the templates see for the sample: each wait received the event the sample gives it. */
function sampleContext(flow: Flow, sample: Sample): TemplateContext {
  const nodes: TemplateContext['nodes'] = {};
  for (const action of flow.actions) {
    if (action.type === 'waitForEvent') {
      nodes[action.id] = { outcome: 'received', properties: sample.received[action.id] ?? {} };
    }
  }
  return {
    user: { email: sample.email },
    event: { name: sample.event, properties: sample.properties },
    properties: sample.properties,
    flow: { id: flow.id, name: flow.name, version: flow.version },
    nodes,
  };
}

/** Rendered as the worker renders a send: the subject as text, the body with HTML escaping. */
export async function previewEmail(
  flow: Flow,
  sample: Sample,
  action: SendEmailAction,
): Promise<EmailPreview> {
  const context = sampleContext(flow, sample);
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
