// GET /healthz: liveness for anyone, the figures an operator watches for those who may see them
// (docs/architecture.md#security). A stranger learns "ok" or "degraded" and nothing else: no
// account, host, count or time. The detail needs the intake key, or a local caller in local mode.

import type { Request, Response, Server } from 'restify';
import { hasApiKey, isLocalCaller } from './intake-auth.js';

export interface HealthReport {
  /** Something needs a person: a sign-in, a parked write or delivery, a lost channel. */
  degraded: boolean;
  detail: Record<string, unknown>;
}

export interface HealthAccess {
  intakeApiKey: string;
  localMode: boolean;
}

export function mountHealthRoute(server: Server, report: () => Promise<HealthReport>, access: HealthAccess): void {
  server.get('/healthz', async (req: Request, res: Response) => {
    const { degraded, detail } = await report();
    const status = degraded ? 'degraded' : 'ok';
    const mayRead = hasApiKey(req, access.intakeApiKey) || (access.localMode && isLocalCaller(req));
    res.send(200, mayRead ? { status, ...detail } : { status });
  });
}
