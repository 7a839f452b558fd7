import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { ConfigError, parseApiKey, type Config } from '../config';
import { HttpError } from './errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `Bearer <key>`, or Basic with the key as user name, which is how Segment's libraries send it. */
function presentedKey(authorization: string): string | undefined {
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme)) return credentials;
  if (/^basic$/i.test(scheme)) return Buffer.from(credentials, 'base64').toString().split(':')[0];
  return undefined;
}

/** The app's routers: only routes of the `open` ones answer without a key. */
export interface Routes {
  open: Router[];
  keyed: Router[];
}

/**
 * Every request needs one of `keys` unless it is routed to an open route. Decided by the
 * routers' own matching, on the path and method they route with, so no spelling of a path
 * (case, trailing slash, `//`, an absolute-URI target) or method reaches a route unchecked.
 */
export function requireApiKey(keys: string[], routes: Routes): Middleware {
  // Equal-length digests make the comparison's time independent of the key and its length.
  const known = keys.map(parseApiKey).map(({ name, key }) => ({ name, digest: digest(key) }));
  const nameOf = (key: string) => {
    const given = digest(key);
    // Every digest is compared, the match or not, so timing tells nothing of which one matched.
    return known.reduce<string | undefined>(
      (found, k) => (timingSafeEqual(k.digest, given) ? k.name : found),
      undefined,
    );
  };
  const routed = (routers: Router[], ctx: Context) =>
    routers.some((router) => router.match(ctx.path, ctx.method).route);
  return async (ctx, next) => {
    if (routed(routes.open, ctx) && !routed(routes.keyed, ctx)) return next();
    const key = presentedKey(ctx.get('Authorization'));
    const name = key ? nameOf(key) : undefined;
    if (name) {
      // Whom the flow audit names for a change made with this key.
      ctx.state.apiKey = name;
      return next();
    }
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
  'api keys':
    'an API key is required but on the page, docs, health and metrics (SOCKTECH_API_KEYS)',
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
