// Constant-time comparison of a presented secret with the configured one.

import { createHash, timingSafeEqual } from 'node:crypto';

/** Hashing first makes both sides the same length, so the length of the secret does not leak either. */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected.length > 0;
}
