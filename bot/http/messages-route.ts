// POST /api/messages: Bot Framework activities from Teams, handed to the CloudAdapter. Requests
// that cannot be authentic are refused here with 401 before botbuilder sees them, so a missing
// token is a 401 even on a machine that cannot reach the token issuer's key endpoint.

import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { sendError } from './errors.js';
import { jsonBody } from './json-body.js';

export const ACTIVITY_MAX_BYTES = 512 * 1024;

/** A JWT is three base64url parts; anything else is refused without asking the issuer. */
const BEARER_JWT = /^Bearer\s+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/;

export interface MessagesRouteOptions {
  adapter: CloudAdapter;
  handle: (context: TurnContext) => Promise<void>;
  requireAuth: boolean;
}

export function mountMessagesRoute(server: Server, options: MessagesRouteOptions): void {
  server.post('/api/messages', ...jsonBody(ACTIVITY_MAX_BYTES), async (req: Request, res: Response) => {
    if (options.requireAuth && !BEARER_JWT.test(req.header('authorization') ?? '')) {
      sendError(res, 401, 'missing or malformed Bot Framework token');
      return;
    }
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body['type'] !== 'string') {
      sendError(res, 400, 'the body is not a Bot Framework activity (an object with a "type")');
      return;
    }
    await options.adapter.process(req, res, options.handle);
  });
}
