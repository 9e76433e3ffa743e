// One JSON error shape for every endpoint: {"error": "...", "details"?: [...]}.

import type { Response } from 'restify';

export function sendError(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.send(status, { error, ...extra });
}
