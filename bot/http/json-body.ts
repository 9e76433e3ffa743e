// Request bodies: JSON only, size-limited, parsed before a handler sees them. restify's body
// parser enforces the limit (413) and the syntax (400); the content-type check (415) is ours
// because restify would also accept form bodies.

import restify, { type Request, type RequestHandler, type Response } from 'restify';
import { sendError } from './errors.js';

function requireJson(req: Request, res: Response, next: restify.Next): void {
  const type = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    sendError(res, 415, `Content-Type must be application/json (got ${type === '' ? 'none' : `"${type}"`})`);
    return next(false);
  }
  next();
}

/** Handlers that accept a JSON object body of at most `maxBytes`. */
export function jsonBody(maxBytes: number): RequestHandler[] {
  const parse = restify.plugins.bodyParser({ maxBodySize: maxBytes, mapParams: false, requestBodyOnGet: false });
  return [requireJson, ...(Array.isArray(parse) ? parse : [parse])] as RequestHandler[];
}

/** Gives restify's own errors (bad JSON, too large, not found…) our JSON error shape. */
export function formatRestifyErrors(server: restify.Server): void {
  server.on('restifyError', (_req: Request, _res: Response, err: Error & { statusCode?: number; toJSON?: () => unknown }, callback: () => void) => {
    const status = err.statusCode ?? 500;
    const message =
      status === 413
        ? `the body is larger than the limit of ${/\d+/.exec(err.message)?.[0] ?? 'this endpoint'} bytes`
        : status === 400
          ? `the body is not valid JSON: ${err.message.replace(/^Invalid JSON:\s*/, '')}`
          : status >= 500
            ? 'internal error'
            : err.message;
    err.toJSON = () => ({ error: message });
    callback();
  });
}
