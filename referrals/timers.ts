// Timers are data: which timer commands a referral has pending, and when each falls due, derived
// from its state, its history and the policy. The scheduler and decide() both ask this module,
// so "is this timer due?" has one answer.

import type { TimerType } from './commands.js';
import type { Referral } from './model.js';
import { awaitsFirstAnswer } from './assignment.js';
import { closeDatePassedAt, respondByOf } from './deadlines.js';
import { addMs, type Policy } from './policy.js';

export interface PendingTimer {
  type: TimerType;
  dueAt: string;
}

function hasEvent(referral: Referral, type: Referral['history'][number]['type']): boolean {
  return referral.history.some((event) => event.type === type);
}

/** Every timer the referral still has ahead of it (or overdue), earliest first. */
export function pendingTimers(referral: Referral, policy: Policy): PendingTimer[] {
  const timers: PendingTimer[] = [];
  const expiry = referral.expirationDateTime;
  if (referral.status === 'New') {
    const remindAt = respondByOf(referral, policy);
    if (referral.substatus === 'Pending' && !hasEvent(referral, 'reminded') && Date.parse(remindAt) < Date.parse(expiry)) {
      timers.push({ type: 'remind', dueAt: remindAt });
    }
    if (referral.urgent && !hasEvent(referral, 'urgencyChanged')) {
      const changeAt = addMs(referral.createdDateTime, policy.urgentForMs);
      if (Date.parse(changeAt) < Date.parse(expiry)) timers.push({ type: 'changeUrgency', dueAt: changeAt });
    }
    if (referral.flow === 'inbox') {
      const warnAt = addMs(expiry, -policy.expiryWarningBeforeMs);
      if (!hasEvent(referral, 'expiryWarned') && Date.parse(warnAt) > Date.parse(referral.createdDateTime)) {
        timers.push({ type: 'warnExpiry', dueAt: warnAt });
      }
    }
    const assignment = referral.assignment;
    if (assignment && awaitsFirstAnswer(referral)) {
      if (assignment.assignee && assignment.answerBy) timers.push({ type: 'assignTimeout', dueAt: assignment.answerBy });
      const escalateAt = addMs(referral.createdDateTime, policy.assignEscalateAfterMs);
      if (assignment.escalatedAt === undefined && Date.parse(escalateAt) < Date.parse(expiry)) timers.push({ type: 'escalate', dueAt: escalateAt });
    }
    const closesAs = referral.flow === 'classic' && referral.substatus === 'Pending' ? 'skip' : 'expire';
    timers.push({ type: closesAs, dueAt: expiry });
  } else if (referral.status === 'Active' && referral.details.closingDateTime) {
    timers.push({ type: 'remindCloseDate', dueAt: nextCloseReminder(referral, policy, referral.details.closingDateTime) });
  }
  return timers.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

function nextCloseReminder(referral: Referral, policy: Policy, closingDateTime: string): string {
  let last: string | undefined;
  for (const event of referral.history) {
    if (event.type === 'closeDatePassed' && event.closingDateTime === closingDateTime) last = event.at;
  }
  return last === undefined ? closeDatePassedAt(closingDateTime) : addMs(last, policy.closeReminderEveryMs);
}

/**
 * The timers due at `now`. When the referral's expiry (or skip) is due, only that one: a referral
 * that expired during downtime closes without first getting the stale reminders.
 */
export function dueTimers(referral: Referral, policy: Policy, now: Date): PendingTimer[] {
  const due = pendingTimers(referral, policy).filter((timer) => Date.parse(timer.dueAt) <= now.getTime());
  const closing = due.find((timer) => timer.type === 'expire' || timer.type === 'skip');
  return closing ? [closing] : due;
}

/** The earliest pending timer: what the scheduler indexes each open referral by. */
export function nextTimer(referral: Referral, policy: Policy): PendingTimer | undefined {
  return pendingTimers(referral, policy)[0];
}
