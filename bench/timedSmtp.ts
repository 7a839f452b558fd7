import { createServer, type Socket } from 'node:net';

export interface TimedSmtp {
  url: string;
  /** When each message was accepted (Date.now()), in order of arrival. */
  arrivals(): number[];
  close(): Promise<void>;
}

/**
 * Just enough of an SMTP server to accept every message and note when: the provider's view of a
 * send rate. MailDev's own times come from the Date header, to the second.
 */
export async function startTimedSmtp(): Promise<TimedSmtp> {
  const sockets = new Set<Socket>();
  const arrivals: number[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 timed ESMTP\r\n');
    let buffer = '';
    let inData = false;
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          arrivals.push(Date.now());
          inData = false;
          buffer = buffer.slice(end + 5);
          socket.write('250 OK\r\n');
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const command = buffer.slice(0, 4).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (command === 'DATA') {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (command === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    arrivals: () => [...arrivals],
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
