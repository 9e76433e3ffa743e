// Retry timing for outbox items: exponential backoff with jitter, bounded in delay and attempts.

export interface RetryPolicy {
  /** Delay after the first failure (before jitter). Default 1 s. */
  baseMs: number;
  /** Cap on one delay. Default 5 min. */
  maxMs: number;
  /** Attempts before an item is parked as failed. Default 8. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ baseMs: 1_000, maxMs: 5 * 60_000, maxAttempts: 8 });

/**
 * The delay before attempt `attempts + 1`, after `attempts` (≥ 1) failures: base · 2^(attempts−1),
 * capped at maxMs, with "equal jitter" (between half and all of it) so that items failing together
 * do not come back together. A Retry-After from the server is a floor: never earlier than it says.
 */
export function backoffDelay(attempts: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempts - 1);
  const full = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  const jittered = full / 2 + random() * (full / 2);
  if (retryAfterMs !== undefined && retryAfterMs >= 0) {
    // Honour the server's word exactly, plus up to 10 % so that a paused conversation's items spread out.
    return Math.round(retryAfterMs * (1 + 0.1 * random()));
  }
  return Math.round(jittered);
}

/** Whether an item that has failed `attempts` times is out of attempts. */
export function exhausted(attempts: number, policy: RetryPolicy): boolean {
  return attempts >= policy.maxAttempts;
}
