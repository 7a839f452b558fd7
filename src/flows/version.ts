import { createHash } from 'node:crypto';

/** Sorted keys and no whitespace, so reformatting a file leaves its version alone. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The first 12 hex digits of the sha256 of the flow file's canonical JSON. */
export function deriveVersion(file: unknown): string {
  return createHash('sha256').update(canonical(file)).digest('hex').slice(0, 12);
}
