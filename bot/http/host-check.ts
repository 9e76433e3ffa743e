// Local mode answers only requests addressed to this machine by name. With auth off, a web page
// could otherwise reach the bot through DNS rebinding: its own host name, resolved to 127.0.0.1,
// arrives in the Host header (docs/architecture.md#hardening).

import type { Next, Request, RequestHandler, Response } from 'restify';
import { sendError } from './errors.js';
import { hostOfHeader, isLoopback } from '../loopback.js';

export function loopbackHostOnly(): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    if (isLoopback(hostOfHeader(req.header('host')))) return next();
    sendError(res, 403, 'in local mode (MicrosoftAppId empty) the Host header must be localhost, 127.0.0.1 or [::1]');
    return next(false);
  };
}
