// POST /api/messages: Bot Framework activities from Teams. The bearer token is validated before a
// body byte is read, and any failure to authenticate — a missing, forged or expired token, or a
// token issuer that cannot be reached — is a 401, never a 500. Only Teams activities are taken:
// with Web Chat or Direct Line on the Azure Bot, a client could name its own user and tenant.

import type { Activity, TurnContext } from 'botbuilder';
import type { Next, Request, Response, Server } from 'restify';
import { TEAMS_CHANNEL_ID, type ReferralDeskAdapter } from './adapter.js';
import type { Logger } from '../logger.js';
import { isStoreUnavailable, sendError, sendStoreUnavailable } from '../http/errors.js';
import { jsonBody } from '../http/body-reader.js';

export const ACTIVITY_MAX_BYTES = 512 * 1024;
export const ACTIVITY_MAX_DEPTH = 64;

/** A JWT is three base64url parts; anything else is refused without asking the issuer. */
const BEARER_JWT = /^Bearer\s+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/;

export interface MessagesRouteOptions {
  adapter: ReferralDeskAdapter;
  handle: (context: TurnContext) => Promise<void>;
  requireAuth: boolean;
  log: Logger;
}

export function mountMessagesRoute(server: Server, options: MessagesRouteOptions): void {
  const refuse = (req: Request, res: Response, message: string) => {
    // The body stays unread: close the connection once the answer is out.
    if (!req.complete) res.setHeader('connection', 'close');
    sendError(res, 401, message);
  };
  const requireToken = (req: Request, res: Response, next: Next) => {
    if (!options.requireAuth) return next();
    const header = req.header('authorization') ?? '';
    if (!BEARER_JWT.test(header)) {
      refuse(req, res, 'missing or malformed Bot Framework token');
      return next(false);
    }
    options.adapter.authenticateToken(header).then(
      () => next(),
      (error: unknown) => {
        options.log.warn('request not authenticated', { error });
        refuse(req, res, 'the Bot Framework token could not be validated');
        next(false);
      },
    );
  };

  // Not compressed: nothing is inflated for a caller whose token has not been validated yet.
  const body = jsonBody({ maxBytes: ACTIVITY_MAX_BYTES, maxDepth: ACTIVITY_MAX_DEPTH, compressed: false });
  server.post('/api/messages', requireToken, body, async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body['type'] !== 'string') {
      sendError(res, 400, 'the body is not a Bot Framework activity (an object with a "type")');
      return;
    }
    if (body['channelId'] !== TEAMS_CHANNEL_ID) {
      sendError(res, 403, `only Microsoft Teams activities are taken (channelId "${TEAMS_CHANNEL_ID}")`);
      return;
    }
    let turnStarted = false;
    try {
      const answer = await options.adapter.handleActivity(req.header('authorization') ?? '', body as unknown as Activity, (context) => {
        turnStarted = true;
        return options.handle(context);
      });
      res.send(answer?.status ?? 200, answer?.body);
    } catch (error) {
      if (turnStarted && isStoreUnavailable(error)) {
        sendStoreUnavailable(res);
      } else if (turnStarted) {
        options.log.error('turn failed', { error });
        sendError(res, 500, 'internal error');
      } else if (options.requireAuth) {
        options.log.warn('request not authenticated', { error });
        sendError(res, 401, 'the Bot Framework token could not be validated');
      } else {
        sendError(res, 400, 'the body is not a valid Bot Framework activity');
      }
    }
  });
}
