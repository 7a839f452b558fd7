import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `['retry', 'initialInterval']` → `retry.initialInterval`, `['headers', 'X Key']` → `headers["X Key"]`. */
function formatPath(path: Path): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      if (/^[A-Za-z_][\w-]*$/.test(String(key))) return i === 0 ? String(key) : `.${String(key)}`;
      return `[${JSON.stringify(String(key))}]`;
    })
    .join('');
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

// Union errors hold one list of issues per option. When only one option got past the shape
// check, its issues say what is wrong; otherwise the union's own message does.
function branchIssues(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const matched = issue.errors.filter((issues) =>
    issues.every(
      (i) => i.path.length > 0 || (i.code !== 'invalid_type' && i.code !== 'invalid_union'),
    ),
  );
  return matched.length === 1 ? matched[0] : undefined;
}

function describe(issue: Issue, input: unknown, base: Path): string[] {
  const path = [...base, ...issue.path];
  const at = (message: string) => (path.length === 0 ? message : `${formatPath(path)}: ${message}`);
  const value = valueAt(input, path);
  const missing =
    path.length > 0 &&
    value === undefined &&
    (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (missing) return [`missing field "${formatPath(path)}"`];
  switch (issue.code) {
    case 'invalid_type':
      return [at(`expected ${issue.expected}, got ${typeName(value)}`)];
    case 'invalid_value': {
      const expected = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [at(`expected one of ${expected}, got ${JSON.stringify(value)}`)];
    }
    case 'invalid_key':
      return issue.issues.map((i) => at(`key ${i.message}`));
    case 'unrecognized_keys':
      return issue.keys.map((key) => at(`unknown field "${key}"`));
    case 'invalid_union': {
      const branch = branchIssues(issue);
      return branch ? branch.flatMap((i) => describe(i, input, path)) : [at(issue.message)];
    }
    default:
      return [at(issue.message)];
  }
}

/** One readable line per zod issue, with the path of the offending field. */
export function describeIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.flatMap((issue) => describe(issue, input, []));
}
