// One JSON error shape for every endpoint: {"error": "...", "details"?: [...]}. restify's own
// errors (no route, wrong method, a handler that threw) get it too; a 5xx is logged here, once,
// and answered without internals (docs/architecture.md#hardening).

import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logger.js';

export function sendError(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.send(status, { error, ...extra });
}

type RestifyError = Error & { statusCode?: number };

/** Gives restify's errors our shape; an unexpected one (5xx) is logged with the route and answered "internal error". */
export function formatRestifyErrors(server: Server, log: Logger): void {
  server.on('restifyError', (req: Request, res: Response, err: RestifyError, callback: () => void) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log.error('request failed', { method: req.method, route: req.getRoute()?.path, error: err.cause instanceof Error ? err.cause : err });
    const message = status >= 500 ? 'internal error' : err.message;
    // Sent here: for an error without a status restify would build its own InternalError from the message.
    if (!res.headersSent) sendError(res, status, message);
    callback();
  });
}
