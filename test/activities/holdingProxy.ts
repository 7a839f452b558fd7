import { connect, createServer, type Socket } from 'node:net';

export interface HoldingProxy {
  /** host:port to give the worker instead of the server's. */
  address: string;
  /**
   * From now on, nothing the clients send reaches the server, while the server's replies still
   * reach them: a worker gets its tasks but its answers are lost, as in a crash after the work.
   */
  hold(): void;
  close(): Promise<void>;
}

/** A TCP proxy to `target` (host:port) that can swallow one direction on request. */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const [host, port] = target.split(':');
  const sockets = new Set<Socket>();
  let holding = false;
  const server = createServer((client) => {
    const upstream = connect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.on('data', (chunk) => {
      if (!holding) upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    address: `127.0.0.1:${address.port}`,
    hold: () => {
      holding = true;
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
