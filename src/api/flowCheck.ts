import type Router from '@koa/router';
import type { NodemailerError } from 'nodemailer';
import { z } from 'zod';
import { mailer } from '../activities/mailer';
import { NODE_ID } from '../flows/edges';
import { previewEmail, previewEmails } from '../flows/preview';
import { validateFlow } from '../flows/validate';
import type { Store } from '../store/db';
import { readDefinition } from '../store/flows';
import { HttpError, parseOr400 } from './errors';
import { describeProblem, flowId, flowProblemSchema, problemOf } from './flowStore';

export const checkBodySchema = z
  .record(z.string(), z.unknown())
  .describe('a flow as a flow file holds it, saved or not');

const emailPreviewSchema = z.object({
  node: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
});

export const checkReplySchema = z.object({
  ok: z.boolean().describe('true when it can be published as it is'),
  problems: z.array(flowProblemSchema).describe('every problem, as flows:check lists them'),
  emails: z
    .array(emailPreviewSchema)
    .describe(
      "each email rendered with the flow's sample event; none without a sample or when ok is false",
    ),
});

export const testSendBodySchema = z.strictObject({
  node: z.string().regex(NODE_ID, 'must be the id of a sendEmail action'),
  to: z
    .string()
    .trim()
    .pipe(z.email({ error: 'must be one email address' }))
    .describe('the one address the test goes to, whatever the action would send to'),
});

export const testSendReplySchema = z.object({
  to: z.string(),
  subject: z.string(),
  messageId: z.string(),
  reply: z.string().describe("the SMTP server's answer"),
});

export interface FlowCheckDeps {
  store: Store;
  /** The worker's SMTP settings; without them a test send answers 503. */
  mail?: { smtpUrl: string; from: string };
}

/** What the editor asks while a flow is written: its problems, its emails, one test send. */
export function flowCheckRoutes(router: Router, { store, mail }: FlowCheckDeps): Router {
  return router
    .post('/check', async (ctx) => {
      const body = parseOr400(checkBodySchema, ctx.request.body, 'body');
      const result = await validateFlow(body);
      ctx.body = {
        ok: result.ok,
        problems: result.ok ? [] : result.problems.map(problemOf),
        emails: result.ok ? await previewEmails(result.flow) : [],
      } satisfies z.infer<typeof checkReplySchema>;
    })
    .post('/:id/test-send', async (ctx) => {
      const id = flowId(ctx);
      const body = parseOr400(testSendBodySchema, ctx.request.body, 'body');
      if (!mail) {
        throw new HttpError(
          503,
          'test sends need an SMTP server, and this API has none: set SMTP_URL',
        );
      }
      const head = await readDefinition(store, id);
      if (!head) throw new HttpError(404, `no flow with id "${id}"`);
      const result = await validateFlow(head.definition);
      if (!result.ok) {
        throw new HttpError(
          422,
          `version ${head.version} of flow "${id}" has problems: fix them before a test send`,
          result.problems.map(describeProblem),
        );
      }
      const { flow } = result;
      const action = flow.actions.find((a) => a.id === body.node);
      if (action?.type !== 'sendEmail') {
        const what = action ? `a ${action.type} action, not an email` : 'not an action of the flow';
        throw new HttpError(400, 'invalid body', [`node: "${body.node}" is ${what}`]);
      }
      if (!flow.sample) {
        throw new HttpError(
          400,
          `flow "${id}" has no sample: a test send renders the email with the sample event`,
        );
      }
      const email = await previewEmail(flow, flow.sample, action);
      // Marked as a test, and to the one address given, whatever the action's `to` says.
      const subject = `[Test] ${email.subject}`;
      try {
        const info = await mailer(mail.smtpUrl).sendMail({
          from: mail.from,
          to: body.to,
          subject,
          html: email.html,
          headers: { 'X-Socktech-Test-Send': `${id}/${action.id}` },
        });
        ctx.body = {
          to: body.to,
          subject,
          messageId: info.messageId,
          reply: info.response ?? '',
        } satisfies z.infer<typeof testSendReplySchema>;
      } catch (err) {
        const server = new URL(mail.smtpUrl).host;
        const reason = (err as NodemailerError).response ?? (err as Error).message;
        throw new HttpError(502, `SMTP server ${server} did not take the test: ${reason}`);
      }
    });
}
