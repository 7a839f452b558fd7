import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

export interface RecordedRequest {
  method: string;
  /** Path and query string. */
  path: string;
  /** Lower-case names, as node:http gives them. */
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface WebhookReceiverOptions {
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  /** The status to answer with; 200 when absent. */
  respond?: (req: RecordedRequest) => number | Promise<number>;
}

export interface WebhookReceiver {
  url: string;
  requests(): RecordedRequest[];
  /** The first request, already received or still to come, that matches. */
  waitFor(
    predicate: (req: RecordedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedRequest>;
  clear(): void;
  close(): Promise<void>;
}

/** Records every request it gets; GET /_requests lists them as JSON. */
export async function startWebhookReceiver(
  options: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
  const host = options.host ?? '127.0.0.1';
  let recorded: RecordedRequest[] = [];
  const waiters = new Set<(req: RecordedRequest) => void>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (req.method === 'GET' && path === '/_requests') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(recorded, null, 2));
      return;
    }
    const request: RecordedRequest = {
      method: req.method ?? '',
      path,
      headers: req.headers,
      body: await text(req),
      receivedAt: Date.now(),
    };
    recorded.push(request);
    for (const notify of waiters) notify(request);
    const status = options.respond ? await options.respond(request) : 200;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: status < 400 }));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  const waitFor = (predicate: (req: RecordedRequest) => boolean, timeoutMs = 5_000) => {
    const found = recorded.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<RecordedRequest>((resolve, reject) => {
      const waiter = (req: RecordedRequest) => {
        if (!predicate(req)) return;
        done();
        resolve(req);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No matching webhook request within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });
  };

  return {
    url: `http://${host}:${port}`,
    requests: () => [...recorded],
    waitFor,
    clear: () => {
      recorded = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        // A test may leave a request hanging on purpose (to provoke a client timeout).
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
