import { Agent, request } from 'node:http';

// The client runs in the measured process, and is counted against Socktech: node:http with
// kept-alive sockets costs it a fraction of fetch's CPU per request (fetch reads each answer
// through web streams), so what is measured is mostly the server's work.
const agent = new Agent({ keepAlive: true });

/** POSTs `body` as JSON; the answer's status and text. */
export function postJson(url: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
