// What a failed Teams call means for the outbox (docs/architecture.md#delivery): try again later,
// give up on the conversation (the bot was removed or blocked), or park the item because retrying
// cannot help. Reads botbuilder's RestError shape (statusCode, code, response.headers), so it lives
// beside the messenger: the outbox only sees the SendFailure it makes.

import { parseRetryAfter } from '../retry.js';
import type { SendFailure } from '../outbox/messenger.js';

/** 403 / 404 codes that mean the bot cannot post there any more. */
const GONE_CODES: Readonly<Record<string, number>> = {
  BotNotInConversationRoster: 403,
  ConversationBlockedByUser: 403,
  ConversationNotFound: 404,
};

const RETRY_STATUS = new Set([401, 408, 409, 412, 425, 429, 500, 502, 503, 504]);
const CONNECTION_CODES = new Set([
  'REQUEST_SEND_ERROR',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'SendTimeout',
]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  response?: { headers?: { get?: (name: string) => string | undefined | null }; bodyAsText?: unknown } | undefined;
  details?: unknown;
  cause?: unknown;
}

/** The Teams error code of a failed call: RestError.code, else the `error.code` of the JSON body. */
function teamsCode(error: ErrorLike): string | undefined {
  if (typeof error.code === 'string' && error.code !== '') return error.code;
  const body = error.details ?? error.response?.bodyAsText;
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    const code = (parsed as { error?: { code?: unknown } } | undefined)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function statusOf(error: ErrorLike): number | undefined {
  const status = typeof error.statusCode === 'number' ? error.statusCode : typeof error.status === 'number' ? error.status : undefined;
  return status !== undefined && status > 0 ? status : undefined;
}

export function classifySendError(raw: unknown): SendFailure {
  const error: ErrorLike = raw !== null && typeof raw === 'object' ? (raw as ErrorLike) : { message: String(raw) };
  const message = typeof error.message === 'string' ? error.message.slice(0, 300) : 'unknown error';
  const status = statusOf(error);
  const code = teamsCode(error);
  const headers = error.response?.headers;
  const retryAfterMs = typeof headers?.get === 'function' ? parseRetryAfter(headers.get('retry-after'), headers.get('retry-after-ms')) : undefined;
  const withCode = <T extends object>(failure: T) => ({ ...failure, ...(status !== undefined && { status }), ...(code !== undefined && { code }) });

  if (status !== undefined) {
    if (code !== undefined && GONE_CODES[code] === status) return { kind: 'gone', status, code, message };
    if (RETRY_STATUS.has(status) || (status >= 500 && status !== 501 && status !== 505)) {
      return withCode({ kind: 'retry' as const, message, ...(retryAfterMs !== undefined && { retryAfterMs }) });
    }
    return withCode({ kind: 'fatal' as const, message });
  }
  // Accepted without an activity id: sending again would post twice.
  if (code === 'NoActivityId') return withCode({ kind: 'fatal' as const, message });
  // No HTTP answer: a timeout, an aborted or dropped connection, a DNS failure. The request may or
  // may not have reached Teams: retried (see the duplicate window in bot/outbox/sender.ts).
  if (error.name === 'AbortError' || error.name === 'SendTimeoutError' || (code !== undefined && CONNECTION_CODES.has(code))) {
    return withCode({ kind: 'retry' as const, message });
  }
  if (/socket hang up|ECONNRESET|network|timeout|timed out/i.test(message)) return withCode({ kind: 'retry' as const, message });
  // Anything else without a status (a bug, a credential error) is retried within the bound too:
  // parking it after the attempts makes it visible.
  return withCode({ kind: 'retry' as const, message });
}
