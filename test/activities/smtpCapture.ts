import { createServer, type Socket } from 'node:net';

/**
 * Just enough of an SMTP server to accept every message and keep it as sent, headers and all,
 * where MailDev's parsed view leaves out the List-* headers.
 */
export async function startSmtpCapture() {
  const sockets = new Set<Socket>();
  const received: string[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.write('220 capture ESMTP\r\n');
    let buffer = '';
    let data: string | undefined;
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      if (data !== undefined) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end < 0) return;
        received.push(data + buffer.slice(0, end));
        data = undefined;
        buffer = buffer.slice(end + 5);
        socket.write('250 OK kept\r\n');
      }
      for (let end = buffer.indexOf('\r\n'); end >= 0 && data === undefined;) {
        const command = buffer.slice(0, 4).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (command === 'DATA') {
          data = '';
          socket.write('354 go on\r\n');
        } else if (command === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('250 OK\r\n');
        end = buffer.indexOf('\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Each message's header lines, unfolded. */
    headers: () =>
      received.map((raw) =>
        raw
          .split('\r\n\r\n')[0]
          .replace(/\r\n[ \t]+/g, ' ')
          .split('\r\n'),
      ),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
