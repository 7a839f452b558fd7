const UNIT_MS = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;

/** `'30s'` → 30000. One whole number and one unit; `m` is minutes (months have no fixed length). */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw new Error(
      `${JSON.stringify(text)} is not a duration: use a whole number and a unit (ms, s, m, h, d, w), e.g. "30s"`,
    );
  }
  return ms;
}
