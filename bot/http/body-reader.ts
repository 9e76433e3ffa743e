// Request bodies: UTF-8 JSON only, read by us rather than a generic body parser so that every
// limit holds on what the bot actually keeps (docs/architecture.md#hardening):
// - the size limit counts both the bytes on the wire and the bytes after decompression;
// - a compressed body is accepted only where the route allows it (after auth), never inflated
//   for a caller who has not been checked yet;
// - a broken stream, a bad gzip or invalid UTF-8 is a 400 in the one error shape, never a crash.

import { createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { Next, Request, RequestHandler, Response } from 'restify';
import { sendError } from './errors.js';
import { parseJsonText } from './json-text.js';

export interface BodyLimits {
  /** Largest body, in bytes, on the wire and after decompression. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /** Whether Content-Encoding gzip / deflate is accepted (only behind auth that ran before). */
  compressed: boolean;
}

class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const JSON_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

/** Checks Content-Type: application/json or application/*+json, UTF-8 if a charset is named. */
function checkContentType(header: string | undefined): void {
  const [type = '', ...params] = (header ?? '').split(';').map((part) => part.trim());
  const mediaType = type.toLowerCase();
  if (!JSON_TYPE.test(mediaType)) {
    throw new BodyError(415, `Content-Type must be application/json (got ${mediaType === '' ? 'none' : JSON.stringify(mediaType)})`);
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=').map((part) => part.trim());
    if (name.toLowerCase() !== 'charset') continue;
    const charset = value.replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') throw new BodyError(415, `the body must be UTF-8 JSON (got charset ${JSON.stringify(charset)})`);
  }
}

/** The decompressor for Content-Encoding, undefined for none; refuses what the route does not take. */
function decoderFor(header: string | undefined, limits: BodyLimits): Transform | undefined {
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return undefined;
  const coding = codings.length === 1 ? codings[0] : undefined;
  if (limits.compressed && (coding === 'gzip' || coding === 'x-gzip')) return createGunzip();
  if (limits.compressed && coding === 'deflate') return createInflate();
  const accepted = limits.compressed ? 'identity, gzip or deflate' : 'identity';
  throw new BodyError(415, `Content-Encoding ${JSON.stringify(codings.join(', '))} is not accepted here (${accepted})`);
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, `the body is larger than the limit of ${maxBytes} bytes`);
}

/** Reads the whole body, bounded on the wire and after decompression. */
function readBytes(req: Request, decoder: Transform | undefined, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let keptBytes = 0;
    let settled = false;
    const finish = (error?: BodyError) => {
      if (settled) return;
      settled = true;
      req.off('data', onWire);
      if (decoder) {
        decoder.off('data', onKept);
        decoder.destroy();
      }
      if (error) {
        // Let the rest of the body drain unread so that the answer reaches the client.
        req.resume();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, keptBytes));
      }
    };
    const onKept = (chunk: Buffer) => {
      keptBytes += chunk.length;
      if (keptBytes > maxBytes) finish(tooLarge(maxBytes));
      else chunks.push(chunk);
    };
    const onWire = (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) finish(tooLarge(maxBytes));
      else if (decoder) decoder.write(chunk);
      else onKept(chunk);
    };
    req.on('data', onWire);
    req.once('end', () => {
      if (settled) return;
      if (decoder) decoder.end();
      else finish();
    });
    // Listeners stay on for good: a stream that errors twice must not find none and crash the process.
    req.on('error', () => finish(new BodyError(400, 'the body could not be read')));
    req.once('aborted', () => finish(new BodyError(400, 'the client aborted the body')));
    if (decoder) {
      decoder.on('data', onKept);
      decoder.once('end', () => finish());
      decoder.on('error', () => finish(new BodyError(400, 'the body is not valid for its Content-Encoding')));
    }
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new BodyError(400, 'the body is not valid UTF-8');
  }
}

/** Reads, checks and parses the body; throws BodyError for whatever the client got wrong. */
async function readJson(req: Request, limits: BodyLimits): Promise<unknown> {
  checkContentType(req.header('content-type'));
  const declared = Number(req.header('content-length'));
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  const decoder = decoderFor(req.header('content-encoding'), limits);
  const text = decodeUtf8(await readBytes(req, decoder, limits.maxBytes));
  const parsed = parseJsonText(text, limits.maxDepth);
  if (!parsed.ok) throw new BodyError(400, parsed.message);
  return parsed.value;
}

/** A handler that reads a JSON body into `req.body`, or answers 400 / 413 / 415 and stops the chain. */
export function jsonBody(limits: BodyLimits): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    readJson(req, limits).then(
      (body) => {
        req.body = body;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof BodyError)) return next(error as Error);
        // A body left unread keeps the connection busy: close it once the answer is out.
        if (!req.complete) res.setHeader('connection', 'close');
        sendError(res, error.status, error.message);
        next(false);
      },
    );
  };
}

/**
 * A handler that reads the raw body bytes into `req.body` (a Buffer), bounded, never decompressed:
 * for a route that must check a signature over exactly the bytes sent before it parses anything.
 */
export function rawBody(maxBytes: number): RequestHandler {
  return (req: Request, res: Response, next: Next) => {
    const read = async () => {
      const declared = Number(req.header('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
      return readBytes(req, decoderFor(req.header('content-encoding'), { maxBytes, maxDepth: 0, compressed: false }), maxBytes);
    };
    read().then(
      (bytes) => {
        req.body = bytes;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof BodyError)) return next(error as Error);
        if (!req.complete) res.setHeader('connection', 'close');
        sendError(res, error.status, error.message);
        next(false);
      },
    );
  };
}

/** Parses raw bytes already read (rawBody) with the same checks as jsonBody; an error message, or the value. */
export function parseJsonBytes(
  bytes: Buffer,
  contentType: string | undefined,
  maxDepth: number,
): { ok: true; value: unknown } | { ok: false; status: number; message: string } {
  try {
    checkContentType(contentType);
    const parsed = parseJsonText(decodeUtf8(bytes), maxDepth);
    return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, status: 400, message: parsed.message };
  } catch (error) {
    if (error instanceof BodyError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}
