// When the scheduler fires each of a referral's timers: the policy's due time (referrals/timers.ts),
// except that reminders wait for working hours when WORKING_HOURS is set. Expiry, skip and the
// urgency change never wait: they change the referral's state, and Partner Center does not wait.

import type { TimerType } from '../../referrals/commands.js';
import type { Referral } from '../../referrals/model.js';
import type { Policy } from '../../referrals/policy.js';
import { dueTimers, pendingTimers, type PendingTimer } from '../../referrals/timers.js';
import { nextWorkingTime, type WorkingHours } from '../../referrals/working-hours.js';

/** The timers that only notify people: these wait for working hours (an assignee's window is counted in them already). */
export const REMINDER_TIMERS: ReadonlySet<TimerType> = new Set(['remind', 'warnExpiry', 'remindCloseDate', 'escalate']);

export interface ScheduledTimer extends PendingTimer {
  /** Epoch ms at which the scheduler fires it: dueAt, or for a reminder the next working time at or after it. */
  fireAt: number;
}

export function fireAtOf(timer: PendingTimer, workingHours: WorkingHours | undefined): number {
  const due = Date.parse(timer.dueAt);
  if (!workingHours || !REMINDER_TIMERS.has(timer.type)) return due;
  return nextWorkingTime(workingHours, new Date(due)).getTime();
}

/** The timer the scheduler fires next for this referral (earliest fireAt; ties: earliest dueAt), if any. */
export function nextFiring(referral: Referral, policy: Policy, workingHours: WorkingHours | undefined): ScheduledTimer | undefined {
  let best: ScheduledTimer | undefined;
  // pendingTimers is sorted by dueAt and fireAt ≥ dueAt: once a dueAt reaches the best fireAt, stop.
  for (const timer of pendingTimers(referral, policy)) {
    if (best && Date.parse(timer.dueAt) >= best.fireAt) break;
    const fireAt = fireAtOf(timer, workingHours);
    if (!best || fireAt < best.fireAt) best = { ...timer, fireAt };
  }
  return best;
}

/**
 * What to fire at `now`, in order: the core's dueTimers (an expiry that is due comes alone, without
 * stale reminders), minus reminders still waiting for working hours.
 */
export function firingNow(referral: Referral, policy: Policy, workingHours: WorkingHours | undefined, now: Date): ScheduledTimer[] {
  return dueTimers(referral, policy, now)
    .map((timer) => ({ ...timer, fireAt: fireAtOf(timer, workingHours) }))
    .filter((timer) => timer.fireAt <= now.getTime())
    .sort((a, b) => a.fireAt - b.fireAt || Date.parse(a.dueAt) - Date.parse(b.dueAt));
}
