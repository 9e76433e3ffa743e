// Deadlines that several views and the timers must agree on, defined once.

import type { Referral } from './model.js';
import { addMs, type Policy } from './policy.js';

const DAY_MS = 86_400_000;

/** When the recommended response time runs out: created + RESPOND_WITHIN (the reminder's due time). */
export function respondByOf(referral: Pick<Referral, 'createdDateTime'>, policy: Pick<Policy, 'respondWithinMs'>): string {
  return addMs(referral.createdDateTime, policy.respondWithinMs);
}

/**
 * When an estimated close date counts as passed: the end of that day (UTC). Close dates are days
 * (stored as that day's 00:00 UTC), so the deal is not overdue on the day itself.
 */
export function closeDatePassedAt(closingDateTime: string): string {
  const start = Math.floor(Date.parse(closingDateTime) / DAY_MS) * DAY_MS;
  return new Date(start + DAY_MS).toISOString();
}

export function isCloseDatePassed(closingDateTime: string, now: Date): boolean {
  return now.getTime() >= Date.parse(closeDatePassedAt(closingDateTime));
}
