// Words for what happened: the thread reply an event gets ("Accepted by … — USD 50,000, close by …"),
// what changed since the version a stale card showed, and who already acted. Plain text (thread
// replies are messages, not cards), dates in the same style as the cards (cards/i18n.ts).
// Teams renders messages as markdown too: names and notes are escaped (cards/markdown.ts).

import { isConflictingChange } from '../../referrals/staleness.js';
import type { ReferralEvent } from '../../referrals/events.js';
import type { Skip } from '../../referrals/assignment.js';
import type { EngagementFields, Referral } from '../../referrals/model.js';
import type { Policy } from '../../referrals/policy.js';
import { formatDate, formatDateTime, formatDuration, formatList, formatNumber, t, type Locale, type MessageKey } from '../i18n.js';
import { contactLine, statusText } from '../formatters.js';
import { escapeMarkdown } from '../markdown.js';
import { UTC_DISPLAY, type Display } from '../display.js';

const CHANGE_KEYS: Record<keyof EngagementFields, MessageKey> = {
  name: 'change.name',
  dealValue: 'change.dealValue',
  currency: 'change.currency',
  closingDateTime: 'change.closingDateTime',
  notes: 'change.notes',
  externalReferenceId: 'change.externalReferenceId',
};

function withNotes(locale: Locale, text: string, notes: string | undefined): string {
  return notes && notes.trim() !== '' ? text + t(locale, 'reply.notesSuffix', { notes: escapeMarkdown(notes.trim()) }) : text;
}

/** "deal value and close date": the fields an edit changed. */
export function changedFields(locale: Locale, changes: EngagementFields): string {
  const keys = (Object.keys(CHANGE_KEYS) as (keyof EngagementFields)[]).filter((key) => changes[key] !== undefined);
  return formatList(
    locale,
    keys.map((key) => t(locale, CHANGE_KEYS[key])),
    'conjunction',
  );
}

/** "Bruno is away until 28 Dec; Carla is at the cap of 5": who the rotation passed over, and why. */
export function skipsText(locale: Locale, skipped: readonly Skip[]): string {
  return skipped
    .map((skip) => {
      const name = escapeMarkdown(skip.name);
      if (skip.why === 'cap') return t(locale, 'skip.cap', { name, cap: skip.cap });
      if (skip.why === 'away')
        return skip.until ? t(locale, 'skip.awayUntil', { name, date: formatDate(locale, `${skip.until}T00:00:00.000Z`) }) : t(locale, 'skip.away', { name });
      return t(locale, 'skip.tried', { name });
    })
    .join('; ');
}

/** Why the referral moved on, when the event just before `event` says so (a pass, a window that ran out). */
function moveCause(locale: Locale, referral: Referral, event: ReferralEvent): string {
  const history = referral.history;
  const before = history[history.indexOf(event) - 1];
  if (before?.type !== 'assignmentPassed' && before?.type !== 'assignmentTimedOut') return '';
  // The previous assignee and their window: the last assignment before the move.
  let previous: Extract<ReferralEvent, { type: 'assigned' }> | undefined;
  for (let i = history.indexOf(before) - 1; i >= 0 && !previous; i--) {
    const candidate = history[i];
    if (candidate?.type === 'assigned') previous = candidate;
  }
  const name = escapeMarkdown(previous?.assignee.name ?? '?');
  if (before.type === 'assignmentPassed') return t(locale, 'reply.causePassed', { name });
  const window = previous ? Date.parse(previous.answerBy) - Date.parse(previous.at) : 0;
  return t(locale, 'reply.causeTimedOut', { name, duration: formatDuration(locale, previous?.windowMs ?? window) });
}

function assignmentReply(
  locale: Locale,
  event: Extract<ReferralEvent, { type: 'assigned' | 'escalated' }>,
  referral: Referral,
  policy: Policy,
  display: Display,
): string {
  const skipped = event.skipped && event.skipped.length > 0 ? t(locale, 'reply.skippedSuffix', { skips: skipsText(locale, event.skipped) }) : '';
  const cause = moveCause(locale, referral, event);
  if (event.type === 'assigned') {
    const names = { assignee: escapeMarkdown(event.assignee.name), time: formatDateTime(locale, event.answerBy, display.timeZone) };
    if (event.actor) return t(locale, 'reply.reassigned', { ...names, actor: escapeMarkdown(event.actor.name) });
    return cause === '' ? t(locale, 'reply.assigned', names) + skipped : t(locale, 'reply.passedTo', { ...names, cause }) + skipped;
  }
  const expires = formatDateTime(locale, referral.expirationDateTime, display.timeZone);
  switch (event.why) {
    case 'nobodyLeft': {
      const tried = referral.assignment?.tried.length ?? 0;
      return t(locale, 'reply.escalated.nobodyLeft', { cause, tried, expires }) + skipped;
    }
    case 'unassignable':
      return t(locale, 'reply.escalated.unassignable', { expires }) + skipped;
    case 'noDecision': {
      const holder = referral.assignment?.assignee;
      const since = referral.assignment?.assignedAt;
      const who =
        holder && since
          ? t(locale, 'reply.escalated.holder', { name: escapeMarkdown(holder.name), time: formatDateTime(locale, since, display.timeZone) })
          : t(locale, 'reply.escalated.nobodyHolds');
      return t(locale, 'reply.escalated.noDecision', { duration: formatDuration(locale, policy.assignEscalateAfterMs), who, expires });
    }
  }
}

/**
 * The reply an event gets in the card's thread, in `locale`; undefined for `received` (the card
 * itself is that post). `referral` is the state after the event (for values the event leaves out).
 */
export function threadReplyText(locale: Locale, event: ReferralEvent, referral: Referral, policy: Policy, display: Display = UTC_DISPLAY): string | undefined {
  switch (event.type) {
    case 'received':
    case 'relatedArrived': // the related referral's own card is the reply (bot/outbox/planner.ts)
      return undefined;
    case 'interested':
      return t(locale, 'reply.interested', { actor: escapeMarkdown(event.actor.name) });
    case 'accepted': {
      const value = event.fields.dealValue ?? referral.details.dealValue;
      const currency = event.fields.currency ?? referral.details.currency ?? 'USD';
      const close = event.fields.closingDateTime ?? referral.details.closingDateTime;
      return t(locale, 'reply.accepted', {
        actor: escapeMarkdown(event.actor.name),
        currency,
        value: value === undefined ? '—' : formatNumber(locale, value),
        date: close === undefined ? '—' : formatDate(locale, close),
      });
    }
    case 'declined':
      return withNotes(
        locale,
        t(locale, 'reply.declined', { actor: escapeMarkdown(event.actor.name), reason: t(locale, `reason.${event.reason}`) }),
        event.notes,
      );
    case 'skipped':
      return event.actor
        ? t(locale, 'reply.noThanks', { actor: escapeMarkdown(event.actor.name) })
        : t(locale, 'reply.skipped', { duration: formatDuration(locale, policy.skipAfterMs) });
    case 'won': {
      const value = event.final?.dealValue ?? referral.details.dealValue;
      const close = event.final?.closingDateTime ?? referral.details.closingDateTime;
      return t(locale, event.dealRegistration ? 'reply.wonRegistered' : 'reply.won', {
        actor: escapeMarkdown(event.actor.name),
        currency: referral.details.currency ?? 'USD',
        value: value === undefined ? '—' : formatNumber(locale, value),
        date: close === undefined ? '—' : formatDate(locale, close),
      });
    }
    case 'lost':
      return withNotes(locale, t(locale, 'reply.lost', { actor: escapeMarkdown(event.actor.name), reason: t(locale, `reason.${event.reason}`) }), event.notes);
    case 'engagementEdited':
      return t(locale, 'reply.engagementEdited', { actor: escapeMarkdown(event.actor.name), changes: changedFields(locale, event.changes) });
    case 'contactAdded':
      return t(locale, 'reply.contactAdded', { actor: escapeMarkdown(event.actor.name), contact: contactLine(locale, event.contact) });
    case 'reminded':
      return t(locale, 'reply.reminder', { duration: formatDuration(locale, policy.respondWithinMs) });
    case 'expiryWarned':
      return t(locale, 'reply.expiresSoon', { date: formatDateTime(locale, referral.expirationDateTime, display.timeZone) });
    case 'urgencyChanged':
      return t(locale, 'reply.urgencyChanged', { duration: formatDuration(locale, policy.urgentForMs) });
    case 'expired':
      return t(locale, 'reply.expired');
    case 'closeDatePassed':
      return t(locale, 'reply.closeDatePassed', { date: formatDate(locale, event.closingDateTime) });
    case 'assigned':
    case 'escalated':
      return assignmentReply(locale, event, referral, policy, display);
    case 'handedOver':
      return t(locale, 'reply.handedOver', { actor: escapeMarkdown(event.actor.name), to: escapeMarkdown(event.to.name) });
    case 'assignmentPassed':
    case 'assignmentTimedOut': {
      // Said by the next assignment or the escalation written with it; alone only if an older version wrote it so.
      const next = referral.history[referral.history.indexOf(event) + 1];
      if (next?.type === 'assigned' || next?.type === 'escalated') return undefined;
      return t(locale, event.type === 'assignmentPassed' ? 'reply.passedAlone' : 'reply.timedOutAlone', { actor: escapeMarkdown(event.actor?.name ?? '') });
    }
    case 'changedInPartnerCenter': {
      const parts: string[] = [];
      if (event.status && event.substatus) {
        parts.push(t(locale, 'status.line', { status: t(locale, `status.${event.status}`), substatus: t(locale, `substatus.${event.substatus}`) }));
      }
      if (event.changes && Object.keys(event.changes).length > 0) parts.push(changedFields(locale, event.changes));
      return t(locale, 'reply.changedInPartnerCenter', { changes: parts.join('; ') });
    }
  }
}

/** A short phrase for an event ("accepted by Alice"), for "this card was out of date: …". */
export function eventPhrase(locale: Locale, event: ReferralEvent): string {
  const actor = escapeMarkdown(event.actor?.name ?? '');
  switch (event.type) {
    case 'skipped':
      return event.actor ? t(locale, 'event.skippedBy', { actor }) : t(locale, 'event.skipped');
    case 'assigned':
      return t(locale, 'event.assigned', { actor: escapeMarkdown(event.assignee.name) });
    default:
      return t(locale, `event.${event.type}`, { actor });
  }
}

/** Whether an event changes what a person may do or what the card says beyond a notice (the rule of referrals/staleness.ts). */
export const isMaterialChange = isConflictingChange;

/** The events after the version a card showed (version = number of events folded into it). */
export function eventsSince(referral: Referral, version: number): ReferralEvent[] {
  return referral.history.slice(Math.max(0, Math.min(version, referral.history.length)));
}

/** Events in words ("accepted by Alice; engagement edited by Bob"), e.g. referrals/staleness.ts conflictingChangesSince(). */
export function describeEvents(locale: Locale, events: readonly ReferralEvent[]): string {
  return events.map((event) => eventPhrase(locale, event)).join('; ');
}

/** What changed since `version`, in words; '' when nothing did. */
export function describeChangesSince(locale: Locale, referral: Referral, version: number, options: { materialOnly?: boolean } = {}): string {
  return describeEvents(
    locale,
    eventsSince(referral, version).filter((event) => !options.materialOnly || isMaterialChange(event)),
  );
}

/** The outcome of a closed referral in one phrase ("Closed · Declined"). */
export function outcomeText(locale: Locale, referral: Referral): string {
  return statusText(locale, referral);
}

/**
 * For someone who pressed a button on a referral another person already answered: "Already
 * accepted by Alice." / "Already declined by Bob." / "Alice already acted on this referral: …".
 */
export function alreadyActedText(locale: Locale, referral: Referral): string {
  const last = [...referral.history].reverse().find((event) => event.actor !== undefined && isMaterialChange(event));
  if (referral.status === 'Active' && referral.owner) return t(locale, 'command.alreadyAccepted', { actor: escapeMarkdown(referral.owner.name) });
  if (referral.substatus === 'Declined' && last?.actor) return t(locale, 'command.alreadyDeclined', { actor: escapeMarkdown(last.actor.name) });
  if (last?.actor) return t(locale, 'command.alreadyActed', { actor: escapeMarkdown(last.actor.name), what: eventPhrase(locale, last) });
  // Nobody acted and it is still open: the action does not fit the state (say Won on a New referral).
  if (referral.status !== 'Closed') return t(locale, 'command.notAvailableNow', { state: statusText(locale, referral) });
  return t(locale, 'command.alreadyClosed', { outcome: outcomeText(locale, referral) });
}
