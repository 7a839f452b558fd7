import { createHash } from 'node:crypto';
import { ForeignPageToken } from './errors';

// Temporal's page token, bound to the query it pages through: a token from another filter, or a
// mangled one, is refused here rather than by Temporal, whose refusals the client retries.

const digest = (query: string) =>
  createHash('sha256').update(query).digest('base64url').slice(0, 16);

export function encodePageToken(query: string, token: Uint8Array): string {
  const wrapped = JSON.stringify([digest(query), Buffer.from(token).toString('base64')]);
  return Buffer.from(wrapped).toString('base64url');
}

export function decodePageToken(query: string, text: string): Buffer {
  try {
    const [forQuery, token] = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown[];
    if (forQuery === digest(query) && typeof token === 'string')
      return Buffer.from(token, 'base64');
  } catch {
    // Not JSON: refused below like any other foreign token.
  }
  throw new ForeignPageToken(
    'pageToken is not a nextPageToken of this list (same status, flowId, email)',
  );
}
