import { request, type Agent } from 'node:http';
import type Router from '@koa/router';
import { createApp, type AppDeps } from '../../src/api/app';

export interface Route {
  method: string;
  /** As the router declares it: `/v1/runs/:workflowId`. */
  path: string;
}

/** Read from the routers mounted on the app, so a route added tomorrow is covered too. */
export function routesOfTheApp(): Route[] {
  // Only the routers are read: nothing here calls a dependency.
  const app = createApp({} as AppDeps);
  const layers = app.middleware.flatMap((m) => (m as { router?: Router }).router?.stack ?? []);
  return layers.flatMap((layer) =>
    layer.methods
      .filter((method) => method !== 'HEAD')
      .map((method) => ({ method, path: String(layer.path) })),
  );
}

export interface RawRequest {
  method: string;
  /** Sent as written: fetch would normalise a path and cannot send an absolute-URI target. */
  target: string;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

/** node:http, not fetch: fetch would refuse a GET with a body and tidy up a malformed path. */
export function sendRaw(
  base: URL,
  r: RawRequest,
  agent: Agent,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, method: r.method, path: r.target, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    for (const [name, value] of Object.entries(r.headers ?? {})) req.setHeader(name, value);
    // Without it a GET's body would go out unframed, to be read as the next request.
    if (r.body) req.setHeader('content-length', Buffer.byteLength(r.body));
    req.on('error', reject);
    req.end(r.body);
  });
}
