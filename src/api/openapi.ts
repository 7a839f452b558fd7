import { readFileSync } from 'node:fs';
import path from 'node:path';
import Router from '@koa/router';
import { z } from 'zod';
import { eventsBodySchema } from '../ingest/event';
import {
  listRunsQuerySchema,
  runActionReplySchema,
  runCountsQuerySchema,
  runCountsSchema,
  runDetailSchema,
  runListSchema,
  runQuerySchema,
} from '../runs/schemas';
import { assets } from './docs';
import { eventsReplySchema, idempotencyKey } from './events';
import {
  checkBodySchema,
  checkReplySchema,
  testSendBodySchema,
  testSendReplySchema,
} from './flowCheck';
import { flowListSchema, flowViewSchema, triggerBodySchema, triggerReplySchema } from './flows';
import {
  draftSchema,
  etagHeader,
  flowDefinitionSchema,
  ifMatchSchema,
  rollbackBodySchema,
  storedFlowSchema,
  versionsSchema,
} from './flowStore';
import { healthReplySchema } from './health';
import { batchBodySchema, segmentReplySchema, trackCallSchema } from './segment';
import { suppressionListSchema, suppressionsQuerySchema } from './suppressions';
import { erasedSchema, subscriptionBodySchema, subscriptionSchema, userSchema } from './users';

export const errorReplySchema = z.object({
  error: z.string(),
  problems: z.array(z.string()).optional().describe('every problem, by field'),
});

interface Reply {
  description: string;
  /** A JSON reply's schema; `type` names any other media type. */
  schema?: z.ZodType;
  type?: string;
  /** Response headers by name; the schema's description says what each means. */
  headers?: Record<string, z.ZodType>;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As the router writes it, with `:name` parameters. */
  path: string;
  tag: string;
  summary: string;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  replies: Record<number, Reply>;
}

const error = (description: string): Reply => ({ description, schema: errorReplySchema });

const unavailable = (description: string): Reply => ({
  ...error(description),
  headers: { 'Retry-After': z.int().min(1).describe('seconds to wait before sending again') },
});
const storeDown = unavailable("Socktech's store (its database) is unreachable: try again");
const busy = unavailable(
  'INGEST_MAX_IN_FLIGHT events are being started already: nothing was ingested, send it again',
);

/** A change to a stored flow that names the head it is based on. */
function storeChange(
  action: 'publish' | 'rollback' | 'archive',
  summary: string,
  replies: Record<number, Reply>,
): Operation {
  return {
    method: 'post',
    path: `/v1/flows/:id/${action}`,
    tag: 'Flows',
    summary,
    headers: ifMatchSchema,
    ...(action === 'rollback' && { body: rollbackBodySchema }),
    replies: {
      200: { description: 'the flow', schema: storedFlowSchema, headers: etagHeader },
      400: error('a malformed If-Match'),
      404: error('no such flow'),
      412: error('the flow was saved meanwhile: If-Match is not its head'),
      428: error('no If-Match'),
      ...replies,
    },
  };
}

/** Every route of the API, with the schemas its handler validates and answers with. */
export const operations: Operation[] = [
  {
    method: 'post',
    path: '/v1/events',
    tag: 'Events',
    summary: 'Send one event, or up to 500',
    headers: z.object({
      'Idempotency-Key': idempotencyKey.optional().describe("a single event's id"),
    }),
    body: eventsBodySchema,
    replies: {
      202: {
        description:
          'every flow each event matched, and what happened; an event with an `error` outcome ' +
          'or an `undelivered` run is to be sent again (what did happen comes back a duplicate)',
        schema: eventsReplySchema,
      },
      400: error('invalid events: nothing was ingested'),
      413: error('a body over 1 MB'),
      415: error('a body that is not application/json, or in an unknown Content-Encoding'),
      429: busy,
      503: unavailable(
        'Temporal or the store is unreachable: nothing was started or delivered, send it all again',
      ),
    },
  },
  {
    method: 'post',
    path: '/v1/track',
    tag: 'Segment',
    summary: 'A Segment track call (HTTP Basic: the key as user name)',
    body: trackCallSchema,
    replies: {
      200: { description: 'taken, as Segment answers', schema: segmentReplySchema },
      400: error('a body that is not JSON (whatever its Content-Type)'),
      413: error('a call over 32 KB'),
      429: busy,
    },
  },
  {
    method: 'post',
    path: '/v1/batch',
    tag: 'Segment',
    summary: 'A batch of Segment calls: track calls are ingested, others ignored',
    body: batchBodySchema,
    replies: {
      200: { description: 'taken, as Segment answers', schema: segmentReplySchema },
      400: error('not a batch'),
      413: error('a batch over 500 KB, or a call in it over 32 KB'),
      429: busy,
    },
  },
  {
    method: 'get',
    path: '/v1/runs',
    tag: 'Runs',
    summary: 'Runs, running first, newest first',
    query: listRunsQuerySchema,
    replies: {
      200: { description: 'a page of runs', schema: runListSchema },
      400: error('an invalid filter or page token'),
    },
  },
  {
    method: 'get',
    path: '/v1/runs/counts',
    tag: 'Runs',
    summary: 'How many runs are running, completed, exited and failed',
    query: runCountsQuerySchema,
    replies: {
      200: { description: 'the counts', schema: runCountsSchema },
      400: error('an invalid filter'),
    },
  },
  {
    method: 'get',
    path: '/v1/runs/:workflowId',
    tag: 'Runs',
    summary: 'One run with its timeline',
    query: runQuerySchema,
    replies: {
      200: { description: 'the run', schema: runDetailSchema },
      400: error('a runId that is not a run ID'),
      404: error('no such run'),
      503: error("the run's progress query went unanswered"),
    },
  },
  {
    method: 'post',
    path: '/v1/runs/:workflowId/cancel',
    tag: 'Runs',
    summary: 'Cancel the latest run',
    replies: {
      202: { description: 'cancellation requested', schema: runActionReplySchema },
      404: error('no such run'),
      409: error('the run is not running'),
    },
  },
  {
    method: 'post',
    path: '/v1/runs/:workflowId/rerun',
    tag: 'Runs',
    summary: 'Run a failed run again, skipping the actions it completed',
    replies: {
      202: { description: 'the new run', schema: runActionReplySchema },
      404: error('no such run'),
      409: error('the run has not failed, or one is running'),
    },
  },
  {
    method: 'get',
    path: '/v1/flows',
    tag: 'Flows',
    summary: 'Every loaded flow',
    replies: { 200: { description: 'the flows', schema: flowListSchema } },
  },
  {
    method: 'get',
    path: '/v1/flows/:id',
    tag: 'Flows',
    summary: 'One flow, with its DAG',
    replies: {
      200: { description: 'the flow', schema: flowViewSchema },
      404: error('no such flow'),
    },
  },
  {
    method: 'post',
    path: '/v1/flows/:id/trigger',
    tag: 'Flows',
    summary: "Send the flow's sample event",
    body: triggerBodySchema,
    replies: {
      202: { description: 'what the event matched', schema: triggerReplySchema },
      400: error('no email given and the flow has no sample'),
      404: error('no such flow'),
      415: error('a body that is not application/json'),
    },
  },
  {
    method: 'post',
    path: '/v1/flows',
    tag: 'Flows',
    summary: 'Create a flow, as a draft',
    body: flowDefinitionSchema,
    replies: {
      201: {
        description: 'the draft, with what keeps it from being published',
        schema: draftSchema,
        headers: {
          ...etagHeader,
          Location: z.string().describe('where the draft is read and saved'),
        },
      },
      400: error('not an object, or an id that is not an id'),
      409: error('a flow with that id exists'),
      415: error('a body that is not application/json'),
    },
  },
  {
    method: 'get',
    path: '/v1/flows/:id/draft',
    tag: 'Flows',
    summary: "A flow's head version as written, drafts included",
    replies: {
      200: { description: 'the draft', schema: draftSchema, headers: etagHeader },
      404: error('no such flow'),
    },
  },
  {
    method: 'put',
    path: '/v1/flows/:id/draft',
    tag: 'Flows',
    summary: 'Save a new version of the draft',
    headers: ifMatchSchema,
    body: flowDefinitionSchema,
    replies: {
      200: { description: 'the new head', schema: draftSchema, headers: etagHeader },
      400: error('a malformed If-Match, not an object, or another id'),
      404: error('no such flow'),
      412: error('the flow was saved meanwhile: If-Match is not its head'),
      415: error('a body that is not application/json'),
      428: error('no If-Match'),
    },
  },
  storeChange('publish', 'Publish the head: new events run it from the moment this answers', {
    422: error('the head is not valid: every problem, as flows:check lists them'),
  }),
  storeChange('rollback', 'Publish an earlier version again, as a new version', {
    400: error('a malformed If-Match, or no such version'),
    415: error('a body that is not application/json'),
    422: error('that version is not valid: every problem, as flows:check lists them'),
  }),
  storeChange('archive', 'Archive: new events no longer start the flow; runs go on', {}),
  {
    method: 'get',
    path: '/v1/flows/:id/versions',
    tag: 'Flows',
    summary: "A flow's versions, and who changed it when",
    replies: {
      200: { description: 'the versions and the audit', schema: versionsSchema },
      404: error('no such flow'),
    },
  },
  {
    method: 'post',
    path: '/v1/flows/check',
    tag: 'Flows',
    summary: 'Check a flow, saved or not, and render its emails with its sample',
    body: checkBodySchema,
    replies: {
      200: { description: 'its problems and emails', schema: checkReplySchema },
      400: error('not an object'),
      415: error('a body that is not application/json'),
    },
  },
  {
    method: 'post',
    path: '/v1/flows/:id/test-send',
    tag: 'Flows',
    summary: 'Send one email of the draft, rendered with the sample, to one address',
    body: testSendBodySchema,
    replies: {
      200: { description: 'sent', schema: testSendReplySchema },
      400: error('not one address, not an email action, or no sample'),
      404: error('no such flow'),
      415: error('a body that is not application/json'),
      422: error('the draft is not valid'),
      502: error('the SMTP server did not take it'),
      503: error('this API has no SMTP server'),
    },
  },
  {
    method: 'get',
    path: '/v1/users/:email',
    tag: 'Users',
    summary: 'A user: profile, subscription, the messages sent and the runs',
    replies: {
      200: { description: 'the user, as far as Socktech knows', schema: userSchema },
      400: error('not an email address'),
      503: storeDown,
    },
  },
  {
    method: 'get',
    path: '/v1/users/by-id/:userId',
    tag: 'Users',
    summary: 'A user by the userId identify calls gave it: the same as by its email',
    replies: {
      200: { description: 'the user with the email of that profile', schema: userSchema },
      400: error('an empty, overlong or unprintable userId'),
      404: error('no identify call named that userId, or none gave it an email'),
      503: storeDown,
    },
  },
  {
    method: 'delete',
    path: '/v1/users/:email',
    tag: 'Users',
    summary:
      'Erase a user: profiles deleted, the address removed from the ledger and the suppression ' +
      'list (its hash stays, so an unsubscribed address stays unsubscribed)',
    replies: {
      200: { description: 'what was erased', schema: erasedSchema },
      400: error('not an email address'),
      503: storeDown,
    },
  },
  {
    method: 'get',
    path: '/v1/users/:email/subscription',
    tag: 'Users',
    summary: "A user's subscription to marketing email",
    replies: {
      200: { description: 'subscribed, or why not', schema: subscriptionSchema },
      400: error('not an email address'),
      503: storeDown,
    },
  },
  {
    method: 'put',
    path: '/v1/users/:email/subscription',
    tag: 'Users',
    summary: 'Unsubscribe a user from marketing email, or subscribe them again',
    body: subscriptionBodySchema,
    replies: {
      200: { description: 'the subscription as it is now', schema: subscriptionSchema },
      400: error('not an email address, or no `subscribed`'),
      415: error('a body that is not application/json'),
      503: storeDown,
    },
  },
  {
    method: 'get',
    path: '/v1/suppressions',
    tag: 'Users',
    summary: 'Every address that gets no marketing email, oldest first',
    query: suppressionsQuerySchema,
    replies: {
      200: { description: 'a page of them', schema: suppressionListSchema },
      400: error('a pageSize out of range, or a pageToken not from this list'),
    },
  },
  ...(['get', 'post'] as const).map((method): Operation => ({
    method,
    path: '/unsubscribe/:token',
    tag: 'Users',
    summary:
      method === 'get'
        ? 'The link in every email: a page with an Unsubscribe button'
        : 'Unsubscribe in one click (RFC 8058), as the button or a mail client does',
    replies: {
      200: { description: 'the page', type: 'text/html' },
      400: { description: 'not an unsubscribe link', type: 'text/html' },
      403: { description: 'an altered link, or one made elsewhere', type: 'text/html' },
    },
  })),
  {
    method: 'get',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Healthy when Temporal and the store answer too',
    replies: {
      200: { description: 'healthy', schema: healthReplySchema },
      503: { description: 'Temporal or the store does not answer', schema: healthReplySchema },
    },
  },
  ...[
    ['/', 'text/html'],
    ['/page.js', 'text/javascript'],
    ['/page.css', 'text/css'],
    ['/auth.js', 'text/javascript'],
    ['/graph.js', 'text/javascript'],
    ['/editor.js', 'text/javascript'],
    ['/user.js', 'text/javascript'],
  ].map(([route, type]): Operation => ({
    method: 'get',
    path: route,
    tag: 'Page',
    summary: 'The front page',
    replies: { 200: { description: 'a static file', type } },
  })),
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics of the API and of the worker in this process',
    replies: { 200: { description: 'Prometheus text format', type: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'Operations',
    summary: 'This document',
    replies: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'Operations',
    summary: 'This document as a reference page',
    replies: { 200: { description: 'the page', type: 'text/html' } },
  },
  ...[...assets].map(([file, type]): Operation => ({
    method: 'get',
    path: `/docs/${file}`,
    tag: 'Operations',
    summary: 'Part of the reference page',
    replies: { 200: { description: 'the file', type } },
  })),
];

const v1 = /^\/v1\//;

// An OpenAPI 3.1 document is JSON Schema 2020-12 throughout: no schema needs its own $schema.
function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  delete json.$schema;
  return json;
}

function parameters(op: Operation) {
  const named = [...op.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const from = (where: 'query' | 'header', schema?: z.ZodObject) => {
    if (!schema) return [];
    const { properties = {}, required = [] } = jsonSchema(schema, 'input');
    return Object.entries(properties).map(([name, property]) => ({
      name,
      in: where,
      required: required.includes(name),
      description: typeof property === 'object' ? property.description : undefined,
      schema: property,
    }));
  };
  return [...named, ...from('query', op.query), ...from('header', op.headers)];
}

function operation(op: Operation) {
  const secured = v1.test(op.path);
  const replies: Record<number, Reply> = secured
    ? { ...op.replies, 401: error('no API key, or an unknown one (when keys are set)') }
    : op.replies;
  return {
    tags: [op.tag],
    summary: op.summary,
    parameters: parameters(op),
    ...(secured && { security: [{ bearer: [] }, { basic: [] }] }),
    ...(op.body && {
      requestBody: {
        required: true,
        content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
      },
    }),
    responses: Object.fromEntries(
      Object.entries(replies).map(([status, r]) => [
        status,
        {
          description: r.description,
          ...(r.headers && {
            headers: Object.fromEntries(
              Object.entries(r.headers).map(([name, header]) => [
                name,
                { description: header.description, schema: jsonSchema(header, 'output') },
              ]),
            ),
          }),
          content: r.schema
            ? { 'application/json': { schema: jsonSchema(r.schema, 'output') } }
            : { [r.type ?? 'text/plain']: {} },
        },
      ]),
    ),
  };
}

export function openapiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const route = op.path.replace(/:(\w+)/g, '{$1}');
    paths[route] = { ...paths[route], [op.method]: operation(op) };
  }
  const { version } = JSON.parse(
    readFileSync(path.join(__dirname, '../../package.json'), 'utf8'),
  ) as { version: string };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Socktech',
      version,
      description:
        'Events in, automation flows out. When SOCKTECH_API_KEYS is set, every /v1 route ' +
        'needs a key; health, metrics, this document and the page stay open.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <key>' },
        basic: { type: 'http', scheme: 'basic', description: 'the key as user name, no password' },
      },
    },
  };
}

export function openapiRoutes(): Router {
  const document = openapiDocument();
  return new Router().get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
}
