// The timing policy of the workflow: how long each phase may last. Durations in milliseconds,
// parsed from ISO 8601 by the config module; the defaults are Partner Center's.

import type { Flow } from './model.js';

export interface Policy {
  /** Flow given to referrals taken in from now on; a stored referral keeps the flow it came with. */
  flow: Flow;
  /** Recommended time to respond (remind when it passes): PT24H. */
  respondWithinMs: number;
  /** Inbox: New referrals expire after this: P14D. */
  expireAfterMs: number;
  /** How long the urgent ("contact me") marker keeps its first form: PT72H. */
  urgentForMs: number;
  /** Classic: New/Pending is skipped after this: PT72H. */
  skipAfterMs: number;
  /** Classic: New/Received (evaluating) expires after this: P7D. */
  evaluateWithinMs: number;
  /** Inbox: "expires soon" notice this long before expiry: P2D. */
  expiryWarningBeforeMs: number;
  /** Active: repeat the "close date passed" reminder this often: P7D. */
  closeReminderEveryMs: number;
  /** Assignment pools: managers are told when a referral has no decision this long after creation (ASSIGN_ESCALATE_AFTER): PT24H. */
  assignEscalateAfterMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEFAULT_POLICY: Policy = {
  flow: 'inbox',
  respondWithinMs: 24 * HOUR,
  expireAfterMs: 14 * DAY,
  urgentForMs: 72 * HOUR,
  skipAfterMs: 72 * HOUR,
  evaluateWithinMs: 7 * DAY,
  expiryWarningBeforeMs: 2 * DAY,
  closeReminderEveryMs: 7 * DAY,
  assignEscalateAfterMs: 24 * HOUR,
};

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
