import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP port in front of another that can be shut (refusing and cutting connections) and opened again. */
export interface Gate {
  port: number;
  shut(): void;
  open(): Promise<void>;
}

export async function startGate(targetPort: number, host = '127.0.0.1'): Promise<Gate> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = async (port: number) => {
    server = createServer((client) => {
      const upstream = connect(targetPort, host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        // Either side ending or failing ends the pair, as a dropped link would.
        socket.once('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, host, resolve);
    });
    return (server.address() as { port: number }).port;
  };

  const shut = () => {
    server?.close();
    server = undefined;
    for (const socket of sockets) socket.destroy();
  };
  const port = await listen(0);
  return {
    port,
    shut,
    open: async () => {
      await listen(port);
    },
  };
}
