import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Middleware } from 'koa';
import { ConfigError, type Config } from '../config';
import { HttpError } from './errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Bearer <key>`, or Basic with the key as user name, which is how Segment's libraries send it. */
function presentedKey(authorization: string): string | undefined {
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return credentials;
  if (/^basic$/i.test(scheme)) return Buffer.from(credentials, 'base64').toString().split(':')[0];
  return undefined;
}

/** Every /v1 route needs one of `keys`; the page, docs, health and metrics stay open. */
export function requireApiKey(keys: string[]): Middleware {
  // Equal-length digests make the comparison's time independent of the key and its length.
  const known = keys.map(digest);
  const isKnown = (key: string) => {
    const given = digest(key);
    return known.reduce((found, k) => timingSafeEqual(k, given) || found, false);
  };
  return async (ctx, next) => {
    if (ctx.path !== '/v1' && !ctx.path.startsWith('/v1/')) return next();
    const key = presentedKey(ctx.get('Authorization'));
    if (key && isKnown(key)) return next();
    ctx.set('WWW-Authenticate', 'Bearer realm="socktech"');
    throw new HttpError(
      401,
      key
        ? 'unknown API key'
        : 'an API key is needed: send Authorization: Bearer <key>, or HTTP Basic with the key as user name',
    );
  };
}

export type Exposure = 'api keys' | 'loopback only' | 'open';

/** For the ready block of `npm start`. */
export const exposureNote: Record<Exposure, string> = {
  'api keys': 'an API key is required on /v1 (SOCKTECH_API_KEYS)',
  'loopback only': 'no API key needed: this machine only (loopback HOST)',
  open: 'no API key needed, open to all who reach it (SOCKTECH_OPEN=1)',
};

/** Without keys the API stays on this machine, unless SOCKTECH_OPEN says it is meant to be open. */
export function exposure(http: Config['http']): Exposure {
  if (http.apiKeys.length) return 'api keys';
  if (isLoopback(http.host)) return 'loopback only';
  if (http.open) return 'open';
  throw new ConfigError(
    `HOST=${http.host} would let anyone who reaches it send events, and no API key is set. ` +
      'Set SOCKTECH_API_KEYS (or SOCKTECH_API_KEYS_FILE) to require a key, ' +
      'or SOCKTECH_OPEN=1 if the API is meant to be open.',
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}
