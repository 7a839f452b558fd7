import {
  analyzeSync,
  IfTag,
  TypeGuards,
  UnlessTag,
  Value,
  type PropertyAccessToken,
  type Template,
  type Token,
} from 'liquidjs';
import { parseTemplate } from '../templates';
import { templatesOf } from './actionTemplates';
import { childrenOf, printedValue } from './liquidTree';
import type { Action } from './schema';

type Segment = string | number;

/**
 * Something of the trigger event, or a trait of the user, that a template reads: it must be
 * there when a run starts.
 */
export interface Requirement {
  /** As a template writes it: `properties.plan`, `event.timestamp`, `user.traits.name`. */
  path: string;
  segments: Segment[];
  /** Printed as it is (`{{ properties.name }}`): an object or an array there is a mistake. */
  printed: boolean;
}

export interface PropertyProblems {
  missing: string[];
  /** An object or an array where a template prints text. */
  wrongType: string[];
}

const at = (token: Token) => token.getPosition().join(':');

/** The path a variable names, or undefined when a segment is computed (`properties[key]`). */
function pathOf(token: PropertyAccessToken): Segment[] | undefined {
  if (token.variable !== undefined) return undefined;
  const segments: Segment[] = [];
  for (const prop of token.props) {
    if (TypeGuards.isWordToken(prop) || TypeGuards.isQuotedToken(prop)) segments.push(prop.content);
    else if (TypeGuards.isNumberToken(prop)) segments.push(prop.content);
    else return undefined;
  }
  return segments;
}

function variablesIn(argument: Value | Token): PropertyAccessToken[] {
  const tokens =
    argument instanceof Value
      ? [...argument.initial.postfix, ...argument.filters.flatMap((f) => f.args.flat())]
      : [argument];
  return tokens.filter((token) => TypeGuards.isPropertyAccessToken(token));
}

// Comparisons that are false when their variable is undefined, so a true test proves it there.
const proving = new Set(['==', '>', '>=', '<', '<=']);

/**
 * The variables a true `if` test proves defined: `a`, `a and b`, `a == "x" and b > 2`. None for
 * `or`, `!=`, `not`, or a comparison of two variables (both may be undefined).
 */
function provenBy(test: Value): Segment[][] {
  const { postfix } = test.initial;
  const variables = postfix.filter((token) => TypeGuards.isPropertyAccessToken(token));
  const ands = postfix.filter((t) => TypeGuards.isOperatorToken(t) && t.operator === 'and');
  const sound =
    test.filters.length === 0 &&
    variables.length === ands.length + 1 &&
    postfix.every(
      (token) =>
        TypeGuards.isPropertyAccessToken(token) ||
        TypeGuards.isQuotedToken(token) ||
        TypeGuards.isNumberToken(token) ||
        (TypeGuards.isOperatorToken(token) &&
          (token.operator === 'and' || proving.has(token.operator))),
    );
  return sound ? variables.map((token) => pathOf(token) ?? []) : [];
}

const isPrefix = (short: Segment[], long: Segment[]) =>
  short.length <= long.length && short.every((segment, i) => segment === long[i]);

interface Marks {
  /** Positions of variables that may be absent: tested, defaulted, or proven by an `if`. */
  optional: Set<string>;
  /** Positions of variables printed as they are. */
  printed: Set<string>;
}

function mark(template: Template, proven: Segment[][], marks: Marks): void {
  if (template instanceof IfTag || template instanceof UnlessTag) {
    template.branches.forEach((branch, i) => {
      // lenientIf: a test reads a missing variable as nil, it never fails.
      for (const token of variablesIn(branch.value)) marks.optional.add(at(token));
      // `unless` runs its first branch when the test is false; its `elsif`s are plain tests.
      const proves = template instanceof IfTag || i > 0;
      const inside = proves ? [...proven, ...provenBy(branch.value)] : proven;
      for (const child of branch.templates) mark(child, inside, marks);
    });
    for (const child of template.elseTemplates ?? []) mark(child, proven, marks);
    return;
  }
  for (const argument of template.arguments?.() ?? []) {
    for (const token of variablesIn(argument)) {
      const path = pathOf(token);
      if (path && proven.some((p) => isPrefix(path, p))) marks.optional.add(at(token));
    }
    if (argument instanceof Value && argument.filters.some((f) => f.name === 'default')) {
      for (const token of argument.initial.postfix) marks.optional.add(at(token));
    }
  }
  const printed = printedValue(template);
  const [only, ...more] = printed?.initial.postfix ?? [];
  if (printed?.filters.length === 0 && only && more.length === 0) marks.printed.add(at(only));
  for (const child of childrenOf(template)) mark(child, proven, marks);
}

/**
 * The part of a path that comes from the trigger event or the user's traits, normalised;
 * undefined for the rest.
 */
function checkedPart(segments: readonly (Segment | object)[]): Segment[] | undefined {
  const end = segments.findIndex((segment) => typeof segment === 'object');
  const known = (end < 0 ? segments : segments.slice(0, end)) as Segment[];
  const [root, field, ...rest] = known;
  if (root === 'event' && field === 'properties')
    return rest.length ? ['properties', ...rest] : undefined;
  if (root === 'event' && field === 'timestamp') return known;
  if (root === 'properties' && known.length > 1) return known;
  // A trait is known when the run starts, from the store, as the event is.
  if (root === 'user' && field === 'traits' && rest.length > 0) return known;
  // user.email, user.traits, flow, nodes, event.name and event.id are always there.
  return undefined;
}

function pathText(segments: Segment[]): string {
  return segments
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_][\w-]*$/.test(segment)) return i === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

function requirementsOf(text: string): Requirement[] {
  const templates = parseTemplate(text);
  const marks: Marks = { optional: new Set(), printed: new Set() };
  for (const template of templates) mark(template, [], marks);
  const { globals } = analyzeSync(templates, { partials: false });
  return Object.values(globals)
    .flat()
    .flatMap((variable) => {
      const where = `${variable.location.row}:${variable.location.col}`;
      const segments = marks.optional.has(where) ? undefined : checkedPart(variable.segments);
      if (!segments) return [];
      const computed = variable.segments.some((segment) => typeof segment === 'object');
      const printed = marks.printed.has(where) && !computed;
      return [{ path: pathText(segments), segments, printed }];
    });
}

const byFlow = new WeakMap<object, Requirement[]>();

/**
 * What the trigger event and the user's traits must hold for every template of the flow to
 * render, sorted by path. Worked out once per flow: ingest checks every event against it
 * before a start.
 */
export function requiredProperties(flow: { actions: readonly Action[] }): Requirement[] {
  const known = byFlow.get(flow);
  if (known) return known;
  const merged = new Map<string, Requirement>();
  const templates = flow.actions.flatMap(templatesOf);
  for (const [, template] of templates) {
    for (const found of template === undefined ? [] : requirementsOf(template)) {
      const seen = merged.get(found.path);
      merged.set(found.path, { ...found, printed: found.printed || (seen?.printed ?? false) });
    }
  }
  const sorted = [...merged.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  byFlow.set(flow, sorted);
  return sorted;
}

/** Reads one segment as Liquid does, with own properties only. */
function read(value: unknown, segment: Segment): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value) && typeof segment === 'number') {
    const index = segment < 0 ? value.length + segment : segment;
    return Object.hasOwn(value, index) ? value[index] : undefined;
  }
  const own = Object.hasOwn(Object(value), segment)
    ? (value as Record<Segment, unknown>)[segment]
    : undefined;
  if (own !== undefined) return own;
  if (segment === 'size') {
    if (Array.isArray(value) || typeof value === 'string') return value.length;
    return typeof value === 'object' ? Object.keys(value).length : undefined;
  }
  if (Array.isArray(value) && (segment === 'first' || segment === 'last')) {
    return read(value, segment === 'first' ? 0 : -1);
  }
  return undefined;
}

/** What the event and traits lack for the flow's templates, or undefined when they have it all. */
export function propertyProblems(
  requirements: readonly Requirement[],
  event: { properties: Record<string, unknown>; timestamp?: string },
  traits: Record<string, unknown> = {},
): PropertyProblems | undefined {
  const context: Record<string, unknown> = {
    properties: event.properties,
    event: event.timestamp === undefined ? {} : { timestamp: event.timestamp },
    user: { traits },
  };
  const problems: PropertyProblems = { missing: [], wrongType: [] };
  for (const { path, segments, printed } of requirements) {
    const value = segments.reduce<unknown>(read, context);
    if (value === undefined) problems.missing.push(path);
    else if (printed && typeof value === 'object' && value !== null) problems.wrongType.push(path);
  }
  return problems.missing.length + problems.wrongType.length > 0 ? problems : undefined;
}
