// Auth of the intake API: a bearer key when INTAKE_API_KEY is set (compared in constant time),
// else loopback callers only, so an unconfigured service is never open to the network.

import { isLoopback } from '../loopback.js';
import type { Next, Request, RequestHandler, Response } from 'restify';
import { secretsEqual } from './secret-compare.js';
import { sendError } from './errors.js';

/** Headers a proxy, tunnel or CDN adds to say whom it forwards for. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'true-client-ip', 'cf-connecting-ip', 'via'];

/** A caller on this machine, not forwarded: a proxy or tunnel here connects from loopback, but what it forwards is not local. */
export function isLocalCaller(req: Request): boolean {
  const forwarded = FORWARDING_HEADERS.some((name) => req.header(name) !== undefined);
  return isLoopback(req.socket.remoteAddress) && !forwarded;
}

/** The request carries `Authorization: Bearer <apiKey>` (compared in constant time); never true for an empty key. */
export function hasApiKey(req: Request, apiKey: string): boolean {
  if (apiKey === '') return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
  return match !== null && secretsEqual(match[1]!, apiKey);
}

export function intakeAuth(apiKey: string): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    if (apiKey === '') {
      if (isLocalCaller(req)) return next();
      sendError(res, 403, 'the intake API accepts only local callers while INTAKE_API_KEY is not set');
      return next(false);
    }
    const header = req.header('authorization') ?? '';
    if (hasApiKey(req, apiKey)) return next();
    res.header('WWW-Authenticate', 'Bearer');
    sendError(res, 401, header === '' ? 'missing Authorization: Bearer <INTAKE_API_KEY>' : 'invalid intake API key');
    return next(false);
  };
}
