// Retrying (docs/architecture.md#retrying): the one mechanism behind every "try again later" of
// the service. The outbox, the Partner Center writer and the webhook inbox keep their attempts in
// the store (attempts, notBefore, lastError, state); the scheduler and the worker loops keep theirs
// in memory. All of them take the next try from here: exponential backoff with jitter, a
// Retry-After honoured, parked after the policy's attempts, put back in line on request.

export interface RetryPolicy {
  /** Delay after the first failure (before jitter). */
  baseMs: number;
  /** Cap on one delay. */
  maxMs: number;
  /** Attempts before an item is parked as failed (Infinity: never parked). */
  maxAttempts: number;
}

/** The outbox's default (OUTBOX_MAX_ATTEMPTS and OUTBOX_MAX_BACKOFF override it): 1 s … 5 min, 8 attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ baseMs: 1_000, maxMs: 5 * 60_000, maxAttempts: 8 });

/** What an item that is retried carries (in the store or in memory). */
export interface Retried {
  attempts: number;
  /** Not before this time (ISO). */
  notBefore?: string;
  lastError?: string;
  /** pending: will be tried; failed: parked until someone asks for a retry. Items that are never parked have none. */
  state?: 'pending' | 'failed';
}

export interface Failure {
  /** Short and free of secrets: kept as lastError and logged. */
  error: string;
  /** What the other side asked for (Retry-After): the next try waits that long, whatever the backoff says. */
  retryAfterMs?: number;
  /** Retrying cannot help (a refusal that will not change): park now. */
  park?: boolean;
  /** Whether this failure uses up an attempt. Default true (false: an expected wait, e.g. a stale eTag read again). */
  counts?: boolean;
}

/**
 * The delay before attempt `attempts + 1`, after `attempts` (≥ 1) failures: base · 2^(attempts−1),
 * capped at maxMs, with "equal jitter" (between half and all of it) so that items failing together
 * do not come back together. A Retry-After is honoured exactly, plus up to 10 % so that the items
 * of a paused conversation spread out.
 */
export function backoffDelay(attempts: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.round(retryAfterMs * (1 + 0.1 * random()));
  const exponent = Math.max(0, attempts - 1);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  return Math.round(full / 2 + random() * (full / 2));
}

/** Whether an item that has failed `attempts` times is out of attempts. */
export function exhausted(attempts: number, policy: RetryPolicy): boolean {
  return attempts >= policy.maxAttempts;
}

export interface AfterFailure<T> {
  /** The item as it is to be stored: parked, or pending with its next try. */
  item: T;
  parked: boolean;
  /** How long until the next try (undefined when parked). */
  delayMs?: number;
}

/** The item after a failed try at `nowMs`: parked when told to or out of attempts, else due again after the backoff. */
export function afterFailure<T extends Retried>(
  item: T,
  failure: Failure,
  nowMs: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): AfterFailure<T> {
  const attempts = item.attempts + (failure.counts === false ? 0 : 1);
  const { notBefore: _notBefore, ...rest } = item;
  if (failure.park || exhausted(attempts, policy)) {
    return { item: { ...rest, attempts, lastError: failure.error, state: 'failed' } as T, parked: true };
  }
  const delayMs = backoffDelay(Math.max(1, attempts), policy, failure.retryAfterMs, random);
  return { item: { ...rest, attempts, lastError: failure.error, notBefore: new Date(nowMs + delayMs).toISOString() } as T, parked: false, delayMs };
}

/** Whether the item may be tried at `nowMs`: pending (not parked) and its backoff over. */
export function isDue(item: Retried, nowMs: number): boolean {
  return item.state !== 'failed' && (item.notBefore === undefined || Date.parse(item.notBefore) <= nowMs);
}

/** A parked item back in line at once, its attempts counted from zero (a retry someone asked for); its last error stays for `status` until the next try. */
export function retryNow<T extends Retried>(item: T): T {
  const { notBefore: _notBefore, ...rest } = item;
  return { ...rest, attempts: 0, state: 'pending' } as T;
}

/**
 * Milliseconds a Retry-After asks for: seconds or an HTTP date (RFC 9110), or Microsoft's
 * retry-after-ms, which wins when both are given. Undefined when there is none or it is unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, ms?: string | null, now = Date.now()): number | undefined {
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  if (value == null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
