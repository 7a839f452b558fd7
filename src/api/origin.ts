import type { Middleware } from 'koa';
import { HttpError } from './errors';

// They change nothing, and without CORS headers no other site can read what they answer.
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a request that changes something when the browser says another site sent it, since
 * without keys any page the user visits could otherwise trigger flows or cancel runs (CSRF).
 * Server-side clients (Segment's libraries, curl) send neither header and pass.
 */
export const refuseCrossSiteWrites: Middleware = async (ctx, next) => {
  if (READS.has(ctx.method)) return next();
  // same-site too: every other port of localhost is the same site as the API.
  const site = ctx.get('Sec-Fetch-Site');
  if (site === 'cross-site' || site === 'same-site') throw refusal(`Sec-Fetch-Site: ${site}`);
  const origin = ctx.get('Origin');
  if (origin && !isOwnOrigin(origin, ctx.get('Host'))) throw refusal(`Origin: ${origin}`);
  return next();
};

// Either scheme: behind a TLS proxy the page is https while this server sees http.
function isOwnOrigin(origin: string, host: string): boolean {
  const own = `${origin.startsWith('https:') ? 'https:' : 'http:'}//${host}`;
  return URL.canParse(own) && new URL(own).origin === origin;
}

function refusal(sentWith: string): HttpError {
  return new HttpError(
    403,
    `a page on another site may not change anything here (${sentWith}): ` +
      "send it from Socktech's own page, or from a server",
  );
}
