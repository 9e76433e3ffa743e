// What a channel's digest says: the open referrals that need attention now, and what changed since
// the last digest. Pure: the caller passes the channel's referrals, the window, `now`, the policy
// and the digest's time zone ("today" is the local day there).
//
// NEEDS ATTENTION (open referrals; each in the first category that applies):
//   expiringSoon     New, and its expiry is in the future but at most expiryWarningBefore (P2D) away
//   overdue          New/Pending and its respondBy (createdDateTime + respondWithin) has passed
//   dueToday         New/Pending whose respondBy falls later today; New/Received whose expiry
//                    (decide by) falls later today; Active whose estimated close date is today
//   closeDatePassed  Active whose estimated close date is before today
// (respondBy counts only when it falls before the expiry, as on the card.)
//
// CHANGED SINCE THE LAST DIGEST: per referral, its latest event of these types in [since, until):
// received (new), interested, accepted, declined, skipped, won, lost, expired. Reminders, notices
// and edits are not changes. Oldest first.
//
// The FINGERPRINT of the attention list (`id:category` of every item, sorted) lets the digest stay
// silent when the list is the same as the one last posted and nothing changed.

import { respondByOf } from './deadlines.js';
import type { Referral, Substatus } from './model.js';
import type { Policy } from './policy.js';
import { endOfLocalDay, localDateString } from './digest-schedule.js';

export const ATTENTION_CATEGORIES = ['expiringSoon', 'overdue', 'dueToday', 'closeDatePassed'] as const;
export type AttentionCategory = (typeof ATTENTION_CATEGORIES)[number];

export const CHANGE_KINDS = ['received', 'interested', 'accepted', 'declined', 'skipped', 'won', 'lost', 'expired'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface AttentionItem {
  id: string;
  name: string;
  customer: string;
  substatus: Substatus;
  category: AttentionCategory;
  /** The deadline that puts it in its category (ISO; a close date is UTC midnight of the day). */
  at: string;
  owner?: string;
}

export interface ChangeItem {
  id: string;
  name: string;
  customer: string;
  kind: ChangeKind;
  at: string;
  actor?: string;
  dealValue?: number;
  currency?: string;
}

export interface DigestContent {
  attention: AttentionItem[];
  changes: ChangeItem[];
}

export interface DigestWindow {
  /** Changes from this time (inclusive)… */
  since: Date;
  /** …until this time (exclusive): the slot. */
  until: Date;
  /** When attention is judged. */
  now: Date;
  policy: Policy;
  timeZone: string;
}

/** The attention category of one referral at `now`, with the deadline behind it; undefined when none applies. */
export function attentionOf(referral: Referral, now: Date, policy: Policy, timeZone: string): { category: AttentionCategory; at: string } | undefined {
  const nowMs = now.getTime();
  const endOfToday = endOfLocalDay(now, timeZone).getTime();
  if (referral.status === 'New') {
    const expiry = Date.parse(referral.expirationDateTime);
    // A classic New/Pending referral is skipped, not expired, at its deadline: no "expires soon" for it.
    const skips = referral.flow === 'classic' && referral.substatus === 'Pending';
    if (!skips && expiry > nowMs && expiry - nowMs <= policy.expiryWarningBeforeMs) return { category: 'expiringSoon', at: referral.expirationDateTime };
    if (referral.substatus === 'Pending') {
      const respondBy = respondByOf(referral, policy);
      const respondByMs = Date.parse(respondBy);
      if (respondByMs >= expiry) return undefined;
      if (respondByMs <= nowMs) return { category: 'overdue', at: respondBy };
      if (respondByMs < endOfToday) return { category: 'dueToday', at: respondBy };
      return undefined;
    }
    if (expiry > nowMs && expiry < endOfToday) return { category: 'dueToday', at: referral.expirationDateTime };
    return undefined;
  }
  if (referral.status === 'Active') {
    const closing = referral.details.closingDateTime;
    if (closing === undefined || Number.isNaN(Date.parse(closing))) return undefined;
    const closeDay = closing.slice(0, 10);
    const today = localDateString(now, timeZone);
    if (closeDay === today) return { category: 'dueToday', at: closing };
    if (closeDay < today) return { category: 'closeDatePassed', at: closing };
  }
  return undefined;
}

const CHANGE_SET: ReadonlySet<string> = new Set(CHANGE_KINDS);

function latestChange(referral: Referral, since: number, until: number): ChangeItem | undefined {
  for (let i = referral.history.length - 1; i >= 0; i--) {
    const event = referral.history[i]!;
    const at = Date.parse(event.at);
    if (at < since) return undefined;
    if (at >= until || !CHANGE_SET.has(event.type)) continue;
    const value = event.type === 'accepted' || event.type === 'won' ? referral.details.dealValue : undefined;
    return {
      id: referral.id,
      name: referral.name,
      customer: referral.customerProfile.name,
      kind: event.type as ChangeKind,
      at: event.at,
      ...(event.actor && { actor: event.actor.name }),
      ...(typeof value === 'number' && { dealValue: value, ...(referral.details.currency !== undefined && { currency: referral.details.currency }) }),
    };
  }
  return undefined;
}

export function digestContent(referrals: readonly Referral[], window: DigestWindow): DigestContent {
  const attention: AttentionItem[] = [];
  const changes: ChangeItem[] = [];
  const since = window.since.getTime();
  const until = window.until.getTime();
  for (const referral of referrals) {
    if (referral.status !== 'Closed') {
      const found = attentionOf(referral, window.now, window.policy, window.timeZone);
      if (found) {
        attention.push({
          id: referral.id,
          name: referral.name,
          customer: referral.customerProfile.name,
          substatus: referral.substatus,
          category: found.category,
          at: found.at,
          ...(referral.owner && { owner: referral.owner.name }),
        });
      }
    }
    const change = latestChange(referral, since, until);
    if (change) changes.push(change);
  }
  const order = (category: AttentionCategory) => ATTENTION_CATEGORIES.indexOf(category);
  attention.sort((a, b) => order(a.category) - order(b.category) || Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1));
  changes.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || (a.id < b.id ? -1 : 1));
  return { attention, changes };
}

/** `id:category` of every attention item, sorted: equal fingerprints = the same list. */
export function attentionFingerprint(items: readonly AttentionItem[]): string[] {
  return items.map((item) => `${item.id}:${item.category}`).sort();
}
