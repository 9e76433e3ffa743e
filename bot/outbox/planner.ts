// What a change must send, decided inside the same store write as the change (write before you
// tell): a new RFI's card goes to its route's channel (unless it arrives closed); every later event updates that card for
// everyone and gets a reply in its thread; a passed close date also reaches the owner personally.

import { randomUUID } from 'node:crypto';
import type { ReferralEvent } from '../../referrals/events.js';
import type { Referral } from '../../referrals/model.js';
import { chooseRoute } from '../../referrals/routing.js';
import type { BotState, CardPost, OutboxItem, ReferralRecord, Store } from '../../storage/store.js';
import { isActiveTarget, routes, target, userKey, type Person } from '../../storage/bot-state-reads.js';
import type { Command } from '../../referrals/commands.js';

/** What a decided command queues in its own write: messages, and where its card goes. */
export interface PlannedMessages {
  outbox: OutboxItem[];
  card?: CardPost;
}

/** A decided change, as the planner sees it: the record before, the referral after, the events and the command. */
export interface ChangeToPlan {
  before: ReferralRecord | undefined;
  /** The card of the engagement's first referral, when this change takes in a later one (createPlanner finds it). */
  firstCard?: CardPost;
  referral: Referral;
  events: ReferralEvent[];
  command: Command;
  now: Date;
}

export type MessagePlanner = (change: ChangeToPlan) => PlannedMessages | Promise<PlannedMessages>;

/** Events with no thread reply of their own: a related referral's card is itself the reply. */
const SILENT: ReadonlySet<ReferralEvent['type']> = new Set(['relatedArrived']);

/** Events that change what the shared card shows. */
const CARD_CHANGING: ReadonlySet<ReferralEvent['type']> = new Set([
  'interested',
  'accepted',
  'declined',
  'skipped',
  'won',
  'lost',
  'engagementEdited',
  'contactAdded',
  'urgencyChanged',
  'expired',
  'changedInPartnerCenter',
  'assigned',
  'assignmentPassed',
  'assignmentTimedOut',
  'handedOver',
  'relatedArrived',
]);

export function outboxItem(kind: OutboxItem['kind'], targetKey: string, message: OutboxItem['message'], now: Date): OutboxItem {
  return { id: randomUUID(), kind, target: targetKey, message, createdAt: now.toISOString(), attempts: 0, state: 'pending' };
}

/** One message to each manager in their personal chat: those who have one with the bot. */
export function managerNotices(state: BotState, managerIds: readonly string[], message: OutboxItem['message'], now: Date): OutboxItem[] {
  return managerIds
    .map(userKey)
    .filter((key) => isActiveTarget(state, key))
    .map((key) => outboxItem('personal', key, message, now));
}

/** The channel a referral's card goes to now, or undefined when no channel is subscribed. */
export function routeFor(referral: Referral, state: BotState): string | undefined {
  return chooseRoute(referral, routes(state), (key) => isActiveTarget(state, key))?.target;
}

/** A first post of the referral's card in `channel`; with `thread`, as a reply in the thread of that card. */
export function planPost(channel: string, now: Date, thread?: string): PlannedMessages {
  const post = outboxItem('postCard', channel, { key: 'card' }, now);
  if (thread === undefined) return { outbox: [post], card: { target: channel } };
  return { outbox: [{ ...post, thread }], card: { target: channel, thread } };
}

/** The managers as a mention names them: their personal chat's name when the bot has one. */
function managersToMention(state: BotState, managerIds: readonly string[]): Person[] {
  return managerIds.map((id) => ({ id, name: target(state, userKey(id))?.userName ?? 'Manager' }));
}

/**
 * What an assignment event sends besides its thread reply: the assignee's own copy of the card
 * (kept current by Teams' refresh), managers told of an escalation in their personal chats, and
 * the new owner of a deal handed over told in theirs.
 */
function assignmentMessages(event: ReferralEvent, index: number, referral: Referral, state: BotState, managerIds: readonly string[], now: Date): OutboxItem[] {
  if (event.type === 'assigned') {
    const key = userKey(event.assignee.id);
    return target(state, key)?.active ? [outboxItem('personal', key, { key: 'card' }, now)] : [];
  }
  if (event.type === 'escalated') return managerNotices(state, managerIds, { key: 'event', params: { index, referralId: referral.id } }, now);
  if (event.type === 'handedOver') {
    const key = userKey(event.to.id);
    return target(state, key)?.active ? [outboxItem('personal', key, { key: 'event', params: { index, referralId: referral.id } }, now)] : [];
  }
  return [];
}

/** Whom an event's thread reply @mentions beyond the usual (the new assignee; the managers on an escalation). */
function mentionsFor(event: ReferralEvent, state: BotState, managerIds: readonly string[]): Person[] | undefined {
  if (event.type === 'assigned') return [{ id: event.assignee.teamsId ?? event.assignee.id, name: event.assignee.name }];
  if (event.type === 'escalated') return managersToMention(state, managerIds);
  if (event.type === 'handedOver') return [{ id: event.to.id, name: event.to.name }];
  return undefined;
}

export function planChange(change: ChangeToPlan, state: BotState, managerIds: readonly string[] = []): PlannedMessages {
  const { referral, events, now } = change;
  if (events.some((event) => event.type === 'received')) {
    // Taken in already closed (Partner Center's history): nothing for anyone to do, so no card; `show` finds it.
    if (referral.status === 'Closed') return { outbox: [] };
    // Routing follows the engagement's first referral: into its card's thread once that card is posted, else its channel.
    const first = change.firstCard;
    if (first !== undefined && isActiveTarget(state, first.target)) return planPost(first.target, now, first.activityId);
    const channel = routeFor(referral, state);
    return channel ? planPost(channel, now) : { outbox: [] };
  }
  const card: CardPost | undefined = change.before?.card;
  if (!card) return { outbox: [] }; // unrouted: the card is posted, in its current state, once a channel subscribes
  const outbox: OutboxItem[] = [];
  const firstIndex = referral.history.length - events.length;
  events.forEach((event, offset) => {
    const index = firstIndex + offset;
    if (SILENT.has(event.type)) return;
    const mention = mentionsFor(event, state, managerIds);
    outbox.push(outboxItem('threadReply', card.target, { key: 'event', params: { index, ...(mention && mention.length > 0 && { mention }) } }, now));
    outbox.push(...assignmentMessages(event, index, referral, state, managerIds, now));
    if (event.type === 'closeDatePassed' && referral.owner) {
      const ownerTarget = userKey(referral.owner.id);
      if (target(state, ownerTarget)?.active) {
        outbox.push(outboxItem('personal', ownerTarget, { key: 'event', params: { index: firstIndex + offset, referralId: referral.id } }, now));
      }
    }
  });
  if (events.some((event) => CARD_CHANGING.has(event.type))) {
    outbox.unshift(outboxItem('updateCard', card.target, { key: 'card' }, now));
  }
  return { outbox };
}

/** The planner the service runs with: reads the current bot state (and a later referral's first card) for each change. */
export function createPlanner(store: Store, managerIds: readonly string[] = []) {
  return (change: ChangeToPlan): PlannedMessages => {
    const firstId = change.events.some((event) => event.type === 'received') ? change.referral.firstOfEngagement?.id : undefined;
    const first = firstId === undefined ? undefined : store.openRecords().find((record) => record.referral.id === firstId);
    return planChange({ ...change, ...(first?.card && { firstCard: first.card }) }, store.readState(), managerIds);
  };
}
