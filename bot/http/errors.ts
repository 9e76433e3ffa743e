// One JSON error shape for every endpoint: {"error": "...", "details"?: [...]}. restify's own
// errors (no route, wrong method, a handler that threw) get it too; a 5xx is logged here, once,
// and answered without internals (docs/architecture.md#hardening).

import type { Request, Response, Server } from 'restify';
import type { Logger } from '../logger.js';
import { StoreUnavailableError } from '../../storage/store.js';

export function sendError(res: Response, status: number, error: string, extra: Record<string, unknown> = {}): void {
  res.send(status, { error, ...extra });
}

type RestifyError = Error & { statusCode?: number };

/** The error, or what restify wrapped, is the store saying its database cannot be reached. */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof StoreUnavailableError || (error instanceof Error && error.cause instanceof StoreUnavailableError);
}

/** 503 with Retry-After: a database outage is answered at once, never with a hang. */
export function sendStoreUnavailable(res: Response): void {
  res.header('Retry-After', '5');
  sendError(res, 503, 'the database is unavailable; try again shortly');
}

/** Gives restify's errors our shape; an unexpected one (5xx) is logged with the route and answered "internal error". */
export function formatRestifyErrors(server: Server, log: Logger): void {
  server.on('restifyError', (req: Request, res: Response, err: RestifyError, callback: () => void) => {
    if (isStoreUnavailable(err)) {
      log.warn('request refused: the store is unavailable', { method: req.method, route: req.getRoute()?.path });
      if (!res.headersSent) sendStoreUnavailable(res);
      callback();
      return;
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) log.error('request failed', { method: req.method, route: req.getRoute()?.path, error: err.cause instanceof Error ? err.cause : err });
    const message = status >= 500 ? 'internal error' : err.message;
    // Sent here: for an error without a status restify would build its own InternalError from the message.
    if (!res.headersSent) sendError(res, status, message);
    callback();
  });
}
