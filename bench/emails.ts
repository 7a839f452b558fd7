let next = 0;
const stamp = Date.now().toString(36);

/** Addresses never used before in this process: every run is a new user. */
export function newEmails(count: number): string[] {
  return Array.from({ length: count }, () => `u${stamp}.${next++}@bench.local`);
}
