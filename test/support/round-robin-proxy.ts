// A local round-robin HTTP proxy in front of several instances of the service, as a load balancer
// would be: each request goes to the next instance; an instance that refuses the connection (it was
// killed) is skipped, so the request lands on a live one.

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  /** How many requests each target answered. */
  served: Map<string, number>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRoundRobinProxy(targets: () => readonly string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const payload = await body(req);
      const candidates = targets();
      for (let tried = 0; tried < candidates.length; tried++) {
        const target = candidates[next++ % candidates.length]!;
        try {
          const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
            const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (response) => {
              body(response).then((data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }), reject);
            });
            upstream.on('error', reject);
            upstream.end(payload);
          });
          served.set(target, (served.get(target) ?? 0) + 1);
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          return;
        } catch (error) {
          if (!['ECONNREFUSED', 'ECONNRESET'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        }
      }
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadGateway', message: 'no instance answered' } }));
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BadGateway', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
