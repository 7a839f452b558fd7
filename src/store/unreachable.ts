// Node's socket errors: the server is not there, or the way to it is broken.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

// PostgreSQL's: connection exceptions (class 08), the server shutting down or starting
// (57P01-57P03), no such database (3D000: dropped, or not created yet), too many connections.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '3D000', '53300']);

// node-postgres gives these no code.
const POOL_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout)/;

function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = err; e instanceof Error; e = e.cause) chain.push(e);
  return chain;
}

/** The database did not answer at all, or refused to serve: a later try may work. */
export function isStoreUnreachable(err: unknown): boolean {
  return causes(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      return SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08');
    }
    return POOL_MESSAGES.test(e.message);
  });
}

/** Raised instead of the driver's error, so the API can answer 503 rather than 500. */
export class StoreUnavailableError extends Error {
  readonly retryAfterSeconds = 5;

  constructor(cause: unknown) {
    super(`Socktech's store is unreachable (${(cause as Error).message}): try again`, { cause });
    this.name = 'StoreUnavailableError';
  }
}
