// Tells "the database cannot be reached" apart from "the database refused this" (docs/architecture.md#storage):
// the first becomes a StoreUnavailableError, which every endpoint answers with 503 and Retry-After.

import { StoreUnavailableError } from '../store.js';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
// 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

export function asUnavailable(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const lost =
    (typeof code === 'string' && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) ||
    /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Query read timeout/i.test(text);
  return lost ? new StoreUnavailableError('the database cannot be reached', { cause: error }) : error;
}

/** Runs `work`, turning a lost connection into StoreUnavailableError. */
export async function reachable<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asUnavailable(error);
  }
}
