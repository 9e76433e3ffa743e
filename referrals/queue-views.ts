// Work queues for managers and sellers: which referrals need attention and by when, as lists.
// Pure: the caller passes the referrals it may show, who asks, `now` and the policy.
//
// A referral's DEADLINE is the next moment that matters for it:
//   New/Pending   respondBy = createdDateTime + respondWithin (the card's "Respond by"), when that
//                 falls before the expiry; else the expiry itself ("expires" in the inbox flow,
//                 "skipped" in the classic flow). Overdue once respondBy has passed.
//   New/Received  the expiry ("decide by"; classic evaluation).
//   Active        the estimated close date (a date); overdue once that day is over (UTC), as the
//                 card shows it ("passed").
//   Closed        the close time (not a deadline: shown as "closed on").
//
// OVERDUE = New/Pending past respondBy, or Active past its close date.
//
// The list filters (LIST_FILTERS):
//   open      New and Active (the default), most urgent first
//   new       New (Pending and, classic, Received), newest first (by receipt)
//   active    Active, most urgent first
//   mine      open referrals the asker owns (Active) or is evaluating (classic: said "I'm
//             interested"), most urgent first
//   overdue   open and overdue, most overdue first
//   archived  Closed, most recently closed first
// "Most urgent first": referrals whose customer asked to be contacted and nobody answered yet
// (the urgent marker) first, then overdue ones (longest overdue first), then by deadline (soonest
// first), then those without a deadline (newest first). At most LIST_LIMIT rows; `more` counts the rest.

import { isCloseDatePassed, respondByOf } from './deadlines.js';
import type { Referral, Status, Substatus } from './model.js';
import type { Policy } from './policy.js';
import { showsUrgentMarker } from './visibility.js';

export const LIST_FILTERS = ['open', 'new', 'active', 'mine', 'overdue', 'archived'] as const;
export type ListFilterName = (typeof LIST_FILTERS)[number];
export const LIST_LIMIT = 10;

export type DeadlineKind = 'respondBy' | 'expires' | 'skips' | 'decideBy' | 'closeDate' | 'closed';

export interface Deadline {
  kind: DeadlineKind;
  /** ISO time (a close date is UTC midnight of that day). */
  at: string;
  overdue: boolean;
}

export interface ListRow {
  id: string;
  name: string;
  customer: string;
  status: Status;
  substatus: Substatus;
  owner?: { id: string; name: string };
  deadline?: Deadline;
  receivedDateTime: string;
  /** The customer asked to be contacted and nobody has answered yet (the card's urgent marker). */
  urgent: boolean;
  /** The deal value: the customer's estimate while New, the seller's once accepted. */
  dealValue?: number;
  currency?: string;
}

export interface ListView {
  filter: ListFilterName;
  rows: ListRow[];
  /** All matching referrals (rows + more). */
  total: number;
  /** Matching referrals not shown (beyond LIST_LIMIT). */
  more: number;
}

export function isListFilter(value: unknown): value is ListFilterName {
  return typeof value === 'string' && (LIST_FILTERS as readonly string[]).includes(value);
}

/** The referral's deadline (see the header); undefined for an Active deal without a close date. */
export function deadlineOf(referral: Referral, now: Date, policy: Policy): Deadline | undefined {
  const nowMs = now.getTime();
  if (referral.status === 'New' && referral.substatus === 'Pending') {
    const respondBy = respondByOf(referral, policy);
    if (Date.parse(respondBy) < Date.parse(referral.expirationDateTime)) {
      return { kind: 'respondBy', at: respondBy, overdue: Date.parse(respondBy) < nowMs };
    }
    return { kind: referral.flow === 'classic' ? 'skips' : 'expires', at: referral.expirationDateTime, overdue: false };
  }
  if (referral.status === 'New') return { kind: 'decideBy', at: referral.expirationDateTime, overdue: false };
  if (referral.status === 'Active') {
    const closing = referral.details.closingDateTime;
    if (closing === undefined || Number.isNaN(Date.parse(closing))) return undefined;
    return { kind: 'closeDate', at: closing, overdue: isCloseDatePassed(closing, now) };
  }
  return referral.closedDateTime !== undefined ? { kind: 'closed', at: referral.closedDateTime, overdue: false } : undefined;
}

/** Whether the asker is evaluating it (classic: said "I'm interested") or owns it. */
function isMine(referral: Referral, actorId: string): boolean {
  if (referral.status === 'Active') return referral.owner?.id === actorId;
  if (referral.status === 'New' && referral.substatus === 'Received') {
    return referral.history.some((event) => event.type === 'interested' && event.actor.id === actorId);
  }
  return false;
}

function matches(filter: ListFilterName, referral: Referral, actorId: string, deadline: Deadline | undefined): boolean {
  const open = referral.status !== 'Closed';
  switch (filter) {
    case 'open':
      return open;
    case 'new':
      return referral.status === 'New';
    case 'active':
      return referral.status === 'Active';
    case 'mine':
      return open && isMine(referral, actorId);
    case 'overdue':
      return open && deadline?.overdue === true;
    case 'archived':
      return referral.status === 'Closed';
  }
}

type Entry = { referral: Referral; deadline: Deadline | undefined };

const received = (entry: Entry) => Date.parse(entry.referral.receivedDateTime);
const byId = (a: Entry, b: Entry) => (a.referral.id < b.referral.id ? -1 : a.referral.id > b.referral.id ? 1 : 0);

/** Most urgent first (see the header): a customer waiting to be contacted, then overdue, then by deadline. */
function byUrgency(a: Entry, b: Entry): number {
  const rank = (entry: Entry) => (entry.deadline === undefined ? 2 : entry.deadline.overdue ? 0 : 1);
  const asked = (entry: Entry) => (showsUrgentMarker(entry.referral) ? 0 : 1);
  return (
    asked(a) - asked(b) ||
    rank(a) - rank(b) ||
    (a.deadline && b.deadline ? Date.parse(a.deadline.at) - Date.parse(b.deadline.at) : 0) ||
    received(b) - received(a) ||
    byId(a, b)
  );
}

function newestFirst(a: Entry, b: Entry): number {
  return received(b) - received(a) || byId(a, b);
}

function recentlyClosedFirst(a: Entry, b: Entry): number {
  const closed = (entry: Entry) => Date.parse(entry.referral.closedDateTime ?? entry.referral.updatedDateTime);
  return closed(b) - closed(a) || byId(a, b);
}

export function toListRow(referral: Referral, deadline: Deadline | undefined): ListRow {
  return {
    id: referral.id,
    name: referral.name,
    customer: referral.customerProfile.name,
    status: referral.status,
    substatus: referral.substatus,
    ...(referral.owner && { owner: { id: referral.owner.id, name: referral.owner.name } }),
    ...(deadline && { deadline }),
    receivedDateTime: referral.receivedDateTime,
    urgent: showsUrgentMarker(referral),
    ...(referral.details.dealValue !== undefined && { dealValue: referral.details.dealValue, currency: referral.details.currency ?? 'USD' }),
  };
}

/** The list `filter` of `referrals` as `actorId` asks for it at `now`: at most `limit` rows and the count of the rest. */
export function listView(referrals: readonly Referral[], filter: ListFilterName, actorId: string, now: Date, policy: Policy, limit = LIST_LIMIT): ListView {
  const entries: Entry[] = [];
  for (const referral of referrals) {
    const deadline = deadlineOf(referral, now, policy);
    if (matches(filter, referral, actorId, deadline)) entries.push({ referral, deadline });
  }
  entries.sort(filter === 'new' ? newestFirst : filter === 'archived' ? recentlyClosedFirst : byUrgency);
  const rows = entries.slice(0, limit).map((entry) => toListRow(entry.referral, entry.deadline));
  return { filter, rows, total: entries.length, more: Math.max(0, entries.length - rows.length) };
}
