// Imported by workflow code, so it must stay pure and import nothing at run time.

export type Scalar = string | number | boolean | null;

/** Every operator present must hold. */
export interface WhereOperators {
  eq?: Scalar;
  ne?: Scalar;
  in?: Scalar[];
  nin?: Scalar[];
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
  exists?: boolean;
}

/** A bare scalar means equality. */
export type WhereCondition = Scalar | WhereOperators;

/** Keys are dot-paths into the event properties (`"cart.total"`); every condition must hold. */
export type Where = Record<string, WhereCondition>;

type Operator<K extends keyof WhereOperators> = (
  actual: unknown,
  expected: Exclude<WhereOperators[K], undefined>,
) => boolean;

// Ordering compares numbers with numbers and strings with strings (ISO dates sort as strings).
const comparable = (a: unknown, b: number | string): a is typeof b => typeof a === typeof b;

const OPERATORS: { [K in keyof WhereOperators]-?: Operator<K> } = {
  eq: (actual, expected) => actual === expected,
  ne: (actual, expected) => actual !== expected,
  in: (actual, expected) => expected.includes(actual as Scalar),
  nin: (actual, expected) => !expected.includes(actual as Scalar),
  gt: (actual, expected) => comparable(actual, expected) && actual > expected,
  gte: (actual, expected) => comparable(actual, expected) && actual >= expected,
  lt: (actual, expected) => comparable(actual, expected) && actual < expected,
  lte: (actual, expected) => comparable(actual, expected) && actual <= expected,
  exists: (actual, expected) => (actual !== undefined) === expected,
};

export const WHERE_OPERATORS = Object.keys(OPERATORS) as (keyof WhereOperators)[];

/** Own properties only, so a path like `constructor.name` never reaches the prototype. */
export function valueAt(properties: Record<string, unknown>, path: string): unknown {
  let value: unknown = properties;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function holds(condition: WhereCondition, actual: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return actual === condition;
  return Object.entries(condition).every(([name, expected]) => {
    const operator = OPERATORS[name as keyof WhereOperators] as Operator<keyof WhereOperators>;
    return expected === undefined || operator(actual, expected as never);
  });
}

export function matchesWhere(where: Where, properties: Record<string, unknown>): boolean {
  return Object.entries(where).every(([path, condition]) =>
    holds(condition, valueAt(properties, path)),
  );
}
