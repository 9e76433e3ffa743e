// Stale cards: a card carries the referral version it shows. A click on an older card is checked
// against what happened since: reminders, notices and assignment moves do not conflict (anyone may
// still answer; Pass and Reassign are checked by decide() against who has it now), but anything
// else a person did, or a close by a timer, does, and the click is not applied blindly.

import type { ReferralEvent } from './events.js';
import type { Referral } from './model.js';

const NON_CONFLICTING: ReadonlySet<ReferralEvent['type']> = new Set([
  'reminded',
  'expiryWarned',
  'closeDatePassed',
  'urgencyChanged',
  'assigned',
  'assignmentPassed',
  'assignmentTimedOut',
  'escalated',
]);

/** Whether an event changes what a person may do (anything but a reminder or a notice). */
export function isConflictingChange(event: ReferralEvent): boolean {
  return !NON_CONFLICTING.has(event.type);
}

/** The events since `version` that make a card of that version out of date (empty: the card is current). */
export function conflictingChangesSince(referral: Referral, version: number): ReferralEvent[] {
  if (!Number.isInteger(version) || version < 1 || version > referral.version) return referral.history.slice(-1);
  return referral.history.slice(version).filter(isConflictingChange);
}
