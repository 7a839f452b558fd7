import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import type { Middleware } from 'koa';
import { HttpError } from './errors';

declare module 'koa' {
  interface Request {
    /** The body as parsed JSON; undefined when the request has none. */
    body?: unknown;
    /** The body as text, once inflated: what per-route size limits measure. */
    rawBody?: string;
  }
}

/** On the wire, and again once inflated. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Objects and arrays within each other; far more than any event needs. */
export const MAX_DEPTH = 32;

const methods = new Set(['POST', 'PUT', 'PATCH']);

type Inflate = (body: Buffer, options: ZlibOptions) => Promise<Buffer>;
// A Map, not an object: a header naming a property of Object.prototype must not find one.
const inflaters = new Map<string, Inflate>([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
  ['br', promisify(brotliDecompress)],
]);

export interface BodyOptions {
  /** Paths that read the body as JSON whatever its Content-Type, as Segment's API does. */
  anyContentType: string[];
}

/**
 * Reads a JSON body into `ctx.request.body`, refusing with a 4xx and a message whatever a
 * client can get wrong: size, Content-Encoding, Content-Type, UTF-8, nesting, JSON itself.
 */
export function jsonBody({ anyContentType }: BodyOptions): Middleware {
  const lenient = new Set(anyContentType);
  return async (ctx, next) => {
    if (!methods.has(ctx.method)) return next();
    const raw = await read(ctx.req);
    if (raw.length === 0) return next();
    if (!lenient.has(ctx.path.replace(/(.)\/+$/, '$1')) && !ctx.is('json', '+json')) {
      const given = ctx.get('Content-Type') || 'none';
      throw new HttpError(
        415,
        `send the body as JSON, with Content-Type: application/json (got ${given})`,
      );
    }
    const text = utf8(await decode(raw, ctx.get('Content-Encoding')));
    ctx.request.rawBody = text;
    ctx.request.body = parse(text);
    return next();
  };
}

async function read(req: IncomingMessage): Promise<Buffer> {
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) throw tooLarge('the body');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Past the limit the rest is read and dropped: a client that is still sending hears the
    // 413, where closing the connection on it would look like a network failure.
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
  } catch {
    throw new HttpError(400, 'the request ended before its body did');
  }
  if (size > MAX_BODY_BYTES) throw tooLarge('the body');
  return Buffer.concat(chunks, size);
}

async function decode(raw: Buffer, contentEncoding: string): Promise<Buffer> {
  const encoding = contentEncoding.trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  const inflater = inflaters.get(encoding);
  if (!inflater) {
    throw new HttpError(
      415,
      `Content-Encoding "${contentEncoding}" is not supported: send gzip, deflate, br or none`,
    );
  }
  try {
    return await inflater(raw, { maxOutputLength: MAX_BODY_BYTES });
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge('the body once inflated');
    throw new HttpError(
      400,
      `the body is not valid ${encoding}, which its Content-Encoding says it is: ${(err as Error).message}`,
    );
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Buffer): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new HttpError(400, 'the body is not valid UTF-8');
  }
}

function parse(text: string): unknown {
  checkDepth(text);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Counts brackets outside strings before JSON.parse builds anything: a body nested thousands
 * deep would otherwise overflow the stack of whatever walks it later (zod, Temporal's payload
 * converter). Exact for valid JSON; invalid JSON fails in JSON.parse after.
 */
function checkDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) {
        throw new HttpError(
          400,
          `the body nests objects and arrays deeper than ${MAX_DEPTH} levels`,
        );
      }
    } else if (c === ']' || c === '}') depth--;
  }
}

function tooLarge(what: string): HttpError {
  return new HttpError(413, `${what} may be at most ${MAX_BODY_BYTES / 1024 / 1024} MB`);
}
