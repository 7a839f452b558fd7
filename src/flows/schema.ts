import { z } from 'zod';
import { parseTemplate, TEMPLATE_ROOTS, templateRoots } from '../templates';
import { parseDuration } from './duration';
import { NODE_ID, parseEdge, ROOT } from './edges';
import { frequencyCapSchema, ON_CAP, type FrequencyCap, type OnCap } from './frequencyCap';
import { isTimeZone, minutesOf, parseDays, type SendWindow } from './sendWindow';
import type { Where, WhereOperators } from './where';

// The normalised flow is plain JSON: it travels to the workflow as its input.

export const REENTRIES = ['once', 'after-exit', 'every-event'] as const;
export type Reentry = (typeof REENTRIES)[number];
export const ON_FAILURE = ['fail', 'continue'] as const;
export type OnFailure = (typeof ON_FAILURE)[number];
export const CATEGORIES = ['marketing', 'transactional'] as const;
/** Marketing email is not sent to an address that unsubscribed; transactional email is. */
export type Category = (typeof CATEGORIES)[number];
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Exponential back-off; `maximumAttempts` 0 means unlimited. */
export interface RetryPolicy {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

interface ActionBase {
  id: string;
  /** Edges `parent` or `parent:label`; empty when the action runs right after the trigger. */
  after: string[];
  retry: RetryPolicy;
  onFailure: OnFailure;
}

/** `to`, `subject` and `body` are templates; without `to`, the mail goes to the user. */
export interface SendEmailAction extends ActionBase {
  type: 'sendEmail';
  /** The flow's category when absent. */
  category?: Category;
  to?: string;
  subject: string;
  body: string;
  /** Outside it, the email waits until the window next opens in the user's time zone. */
  window?: SendWindow;
  /** The flow's cap when absent, else FREQUENCY_CAP's; marketing email only. */
  frequencyCap?: FrequencyCap;
  /** `skip` when absent. */
  onCap?: OnCap;
}

/** Exactly one of the two is set: a duration, or an ISO date-time with a time zone. */
export interface DelayAction extends ActionBase {
  type: 'delay';
  durationMs?: number;
  until?: string;
}

/** `url`, header values and `body` are templates; a relative url is resolved by the worker. */
export interface WebhookAction extends ActionBase {
  type: 'webhook';
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
}

/** Waits for the same user's `event` (matching `where`) for at most `timeoutMs`. */
export interface WaitForEventAction extends ActionBase {
  type: 'waitForEvent';
  event: string;
  timeoutMs: number;
  where: Where;
}

/** Takes the `true` path when `where` matches the properties of the event `on` names. */
export interface BranchAction extends ActionBase {
  type: 'branch';
  where: Where;
  /** `trigger`, or the id of a waitForEvent node above this one, to test its received event. */
  on: string;
}

/** Takes one of its paths, the same for a user every time, in shares of the weights. */
export interface SplitAction extends ActionBase {
  type: 'split';
  /** Path label → weight. */
  paths: Record<string, number>;
}

export type Action =
  SendEmailAction | DelayAction | WebhookAction | WaitForEventAction | BranchAction | SplitAction;
export type ActionType = Action['type'];

/** An event to try the flow with: `flows:check` renders every template against it. */
export interface Sample {
  event: string;
  email: string;
  properties: Record<string, unknown>;
  /** Properties of the events the flow's waitForEvent nodes would receive, by node id. */
  received: Record<string, Record<string, unknown>>;
  /** The user's traits, as identify calls would have stored them. */
  traits?: Record<string, unknown>;
}

/** A later event of the user that ends the run at once. */
export interface ExitRule {
  event: string;
  where: Where;
  /** A property the event must share with the trigger event, e.g. the cart it is about. */
  match?: string;
}

export interface Flow {
  id: string;
  name: string;
  description?: string;
  version: string;
  reentry: Reentry;
  /** Of its emails, unless an email says otherwise; marketing when absent (older runs). */
  category?: Category;
  trigger: { event: string; where: Where };
  /** Send windows use it for users without a valid `timezone` trait; UTC when absent. */
  timezone?: string;
  exitOn?: ExitRule[];
  /** For its marketing emails that set none; FREQUENCY_CAP's when absent. */
  frequencyCap?: FrequencyCap;
  sample?: Sample;
  /** In topological order: every action comes after all its parents. */
  actions: Action[];
}

/**
 * The outcomes an action can end with, which labelled edges (`parent:label`) choose from. A
 * split's are the labels of its own paths, so none are listed for the type (see split.ts).
 */
export const OUTCOMES: Record<ActionType, readonly string[] | undefined> = {
  sendEmail: ['suppressed', 'capped'],
  delay: [],
  webhook: [],
  waitForEvent: ['received', 'timedOut'],
  branch: ['true', 'false'],
  split: undefined,
};

/** A string checked, and possibly converted, by a function that throws a readable message. */
function checked<T>(convert: (text: string) => T) {
  return z.string().transform((text, ctx) => {
    try {
      return convert(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
}

function checkTemplate(text: string): string {
  try {
    parseTemplate(text);
  } catch (err) {
    throw new Error(`template does not compile: ${(err as Error).message}`, { cause: err });
  }
  const unknown = templateRoots(text).filter(
    (root) => !(TEMPLATE_ROOTS as string[]).includes(root),
  );
  if (unknown.length > 0) {
    const known = TEMPLATE_ROOTS.join(', ');
    throw new Error(`template reads unknown variable "${unknown[0]}" (known roots: ${known})`);
  }
  return text;
}

const text = z.string().min(1, 'must not be empty');
const template = checked(checkTemplate);
const duration = checked(parseDuration);
const edge = checked((text) => (parseEdge(text), text));
const id = z.string().regex(NODE_ID, 'must use only letters, digits, "_" and "-"');
const dotPath = z.string().regex(/^[^.]+(\.[^.]+)*$/, 'is not a dot-path');
const timeZone = z
  .string()
  .refine(isTimeZone, 'is not a time zone (an IANA name such as "Europe/Berlin", or "UTC")');
const timeOfDay = checked((text) => (minutesOf(text), text));

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error: 'expected a string, number, boolean or null',
});
const orderable = z.union([z.number(), z.string()], { error: 'expected a number or a string' });
const operators = z
  .strictObject({
    eq: scalar.optional(),
    ne: scalar.optional(),
    in: z.array(scalar).optional(),
    nin: z.array(scalar).optional(),
    gt: orderable.optional(),
    gte: orderable.optional(),
    lt: orderable.optional(),
    lte: orderable.optional(),
    exists: z.boolean().optional(),
  } satisfies Record<keyof WhereOperators, z.ZodType>)
  // Only when the object is otherwise valid: `{ "like": 1 }` is an unknown operator, not an empty object.
  .refine((ops) => Object.keys(ops).length > 0, {
    message: 'needs at least one operator',
    when: ({ issues }) => issues.length === 0,
  });

export const whereSchema = z.record(
  dotPath,
  z.union([scalar, operators], {
    error: 'expected a value, or operators such as { "in": ["FR", "DE"] }',
  }),
) satisfies z.ZodType<Where>;

const retrySchema = z
  .strictObject({
    initialInterval: duration.refine((ms) => ms > 0, 'must be longer than 0').prefault('1s'),
    backoffCoefficient: z.number().min(1, 'must be at least 1').default(2),
    maximumInterval: duration.prefault('10m'),
    maximumAttempts: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0 (unlimited) or more')
      .default(0),
  })
  .refine((r) => r.maximumInterval >= r.initialInterval, 'maximumInterval is below initialInterval')
  .transform((r): RetryPolicy => ({
    initialIntervalMs: r.initialInterval,
    backoffCoefficient: r.backoffCoefficient,
    maximumIntervalMs: r.maximumInterval,
    maximumAttempts: r.maximumAttempts,
  }));

const actionBase = {
  id: id.refine((value) => value !== ROOT, `"${ROOT}" is reserved for the root`),
  after: z
    .array(edge)
    // `trigger` is every action's ancestor, so naming it adds no constraint.
    .transform((edges) => edges.filter((e) => e !== ROOT))
    .prefault([]),
  retry: retrySchema.prefault({}),
  onFailure: z.enum(ON_FAILURE).default('fail'),
};

const days = z
  .array(z.string())
  .min(1, 'needs at least one day')
  .transform((entries, ctx) => {
    try {
      return parseDays(entries);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

const windowSchema = z
  .strictObject({
    days: days.prefault(['mon-sun']),
    from: timeOfDay.refine((time) => time !== '24:00', 'must be before 24:00'),
    to: timeOfDay,
  })
  .refine(
    (w) => w.from !== w.to,
    'from and to are the same time (for whole days: "00:00" to "24:00")',
  ) satisfies z.ZodType<SendWindow>;

const sendEmailSchema = z.strictObject({
  ...actionBase,
  type: z.literal('sendEmail'),
  category: z.enum(CATEGORIES).optional(),
  to: template.optional(),
  subject: template,
  body: template,
  window: windowSchema.optional(),
  frequencyCap: frequencyCapSchema.optional(),
  onCap: z.enum(ON_CAP).optional(),
}) satisfies z.ZodType<SendEmailAction>;

const delaySchema = z
  .strictObject({
    ...actionBase,
    type: z.literal('delay'),
    duration: duration.optional(),
    until: z.iso
      .datetime({
        offset: true,
        error: 'expected a date-time with a time zone, e.g. 2026-12-01T09:00:00Z',
      })
      .optional(),
  })
  .refine(
    (a) => (a.duration === undefined) !== (a.until === undefined),
    'needs either duration or until',
  )
  .transform(({ duration, until, ...rest }): DelayAction =>
    duration === undefined ? { ...rest, until } : { ...rest, durationMs: duration },
  );

const webhookSchema = z.strictObject({
  ...actionBase,
  type: z.literal('webhook'),
  url: template,
  method: z.enum(HTTP_METHODS).default('POST'),
  headers: z.record(z.string(), template).default({}),
  body: template.optional(),
}) satisfies z.ZodType<WebhookAction>;

const waitForEventSchema = z
  .strictObject({
    ...actionBase,
    type: z.literal('waitForEvent'),
    event: text,
    timeout: duration,
    where: whereSchema.default({}),
  })
  .transform(({ timeout, ...rest }): WaitForEventAction => ({ ...rest, timeoutMs: timeout }));

const branchSchema = z.strictObject({
  ...actionBase,
  type: z.literal('branch'),
  where: whereSchema,
  on: z.string().default(ROOT),
}) satisfies z.ZodType<BranchAction>;

const splitSchema = z.strictObject({
  ...actionBase,
  type: z.literal('split'),
  paths: z
    .record(id, z.number().min(0, 'must be a weight of 0 or more'))
    .refine((paths) => Object.keys(paths).length >= 2, 'needs at least two paths')
    .refine(
      (paths) => Object.values(paths).some((weight) => weight > 0),
      'needs a path with a weight above 0',
    ),
}) satisfies z.ZodType<SplitAction>;

const actionTypes = Object.keys(OUTCOMES).join(', ');

export const actionSchema = z.discriminatedUnion(
  'type',
  [sendEmailSchema, delaySchema, webhookSchema, waitForEventSchema, branchSchema, splitSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? `unknown type ${JSON.stringify((issue.input as { type?: unknown }).type)} (known: ${actionTypes})`
        : undefined,
  },
) satisfies z.ZodType<Action>;

export const flowFileSchema = z.strictObject({
  id,
  name: text,
  description: z.string().optional(),
  version: text.optional(),
  reentry: z.enum(REENTRIES).default('once'),
  category: z.enum(CATEGORIES).default('marketing'),
  trigger: z.strictObject({ event: text, where: whereSchema.default({}) }),
  timezone: timeZone.optional(),
  exitOn: z
    .array(
      z.strictObject({ event: text, where: whereSchema.default({}), match: dotPath.optional() }),
    )
    .optional(),
  frequencyCap: frequencyCapSchema.optional(),
  sample: z
    .strictObject({
      event: text.optional(),
      email: z.email(),
      properties: z.record(z.string(), z.unknown()).default({}),
      received: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
      traits: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  actions: z.array(actionSchema).min(1, 'a flow needs at least one action'),
});

/** A flow file as written, before defaults, conversions and ordering. */
export type FlowFile = z.input<typeof flowFileSchema>;
