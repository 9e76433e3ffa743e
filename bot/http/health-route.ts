// GET /healthz: liveness plus the figures an operator watches.

import type { Request, Response, Server } from 'restify';

export type HealthReport = () => Record<string, unknown>;

export function mountHealthRoute(server: Server, report: HealthReport): void {
  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok', ...report() });
  });
}
