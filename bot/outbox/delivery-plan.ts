// The pure part of delivery (docs/architecture.md#delivery): which lane an item goes to (or why
// it is parked, dropped or waits), the order lanes are served in, and what sending a lane's head
// settles (coalesced card updates, updates made moot by a post). The sender does the I/O.

import type { OutboxItem, ReferralRecord, BotState } from '../../storage/store.js';
import type { ConversationTarget, StoredReference } from '../../storage/bot-state-reads.js';
import { conversationIdFor } from './messenger.js';

export type JobKind = 'post' | 'reply' | 'update' | 'personal' | 'skip';

export interface Job {
  kind: JobKind;
  lane: string;
  tenant: string;
  head: OutboxItem;
  /** Removed from the store when the job succeeds (coalesced updates, updates made moot by a post). */
  doneIds: string[];
  /** Marked with the attempt when it fails. */
  attemptIds: string[];
  /** The referral the items belong to; undefined for bot-level items. */
  record: ReferralRecord | undefined;
  target: ConversationTarget;
  reference: StoredReference;
  /** Card activity id for replies and updates (for a reply: the thread's root). */
  cardActivityId?: string;
  /** An update of a card that is itself a reply: the root of its thread. */
  threadRootId?: string;
  state: BotState;
}

/** A pending item ready for its lane, with its order: createdAt, then the order the sender first saw it. */
export interface Candidate {
  item: OutboxItem;
  record: ReferralRecord | undefined;
  order: number;
  seq: number;
  lane: string;
  target: ConversationTarget;
  reference: StoredReference;
}

/** Where an item goes now, or why it does not. */
export type Routing =
  | { action: 'lane'; lane: string; target: ConversationTarget; reference: StoredReference }
  /** It cannot be sent as it is: parked as failed. */
  | { action: 'park'; why: string }
  /** It has nothing left to do: removed. */
  | { action: 'drop'; why: string }
  /** Its conversation is inactive: retire it (re-route its cards, tell the managers). */
  | { action: 'retire'; reason: string }
  /** Not yet: its card has no activity id, or its conversation is being retired. */
  | { action: 'wait' };

/**
 * Every request goes to one conversation id, its lane: a channel (new posts, channel messages), a
 * card's thread `<channel>;messageid=<card>` (its updates and replies), a personal chat.
 */
export function routeItem(
  item: OutboxItem,
  record: ReferralRecord | undefined,
  conversations: Readonly<Record<string, ConversationTarget>>,
  retiring: ReadonlySet<string>,
): Routing {
  const target = conversations[item.target];
  if (!target) return { action: 'park', why: 'no conversation reference for this target (was the state edited?)' };
  if (retiring.has(item.target)) return { action: 'wait' };
  if (!target.active) return { action: 'retire', reason: target.inactiveReason ?? 'inactive' };
  const reference = withTenant(target);
  if (item.kind === 'updateCard' || item.kind === 'threadReply') {
    const card = record?.card;
    if (!record || !card || card.target !== item.target) return { action: 'drop', why: 'its card is not in this conversation any more' };
    if (!card.activityId) return { action: 'wait' };
    return { action: 'lane', lane: conversationIdFor(reference, card.thread ?? card.activityId), target, reference };
  }
  if (item.kind === 'postCard') {
    if (!record) return { action: 'drop', why: 'a card post without a referral' };
    if (record.card && record.card.target !== item.target) return { action: 'drop', why: 'the card moved to another conversation' };
    if (item.thread !== undefined) return { action: 'lane', lane: conversationIdFor(reference, item.thread), target, reference };
  }
  return { action: 'lane', lane: conversationIdFor(reference), target, reference };
}

const byAge = (a: Candidate, b: Candidate) => a.order - b.order || a.seq - b.seq;

/** The lanes that may send now (not busy), each oldest item first, the lane with the oldest head first. */
export function lanesInOrder(lanes: ReadonlyMap<string, Candidate[]>, busy: { has(lane: string): boolean }): Candidate[][] {
  const heads: Candidate[][] = [];
  for (const [lane, list] of lanes) {
    if (busy.has(lane)) continue;
    heads.push([...list].sort(byAge));
  }
  return heads.sort((a, b) => byAge(a[0]!, b[0]!));
}

/** What sending the head of a lane means, with the items it settles. */
export function jobFor(head: Candidate, lane: readonly Candidate[], state: BotState): Job {
  const { item, record, target, reference } = head;
  const base = { lane: head.lane, tenant: reference.conversation.tenantId ?? target.tenantId ?? 'default', head: item, record, target, reference, state };
  const pendingUpdates = (rec: ReferralRecord, to: string) =>
    rec.outbox.filter((other) => other.kind === 'updateCard' && other.target === to && other.state === 'pending').map((other) => other.id);
  switch (item.kind) {
    case 'postCard': {
      // The post shows the current state: updates queued before it are settled by it.
      const doneIds = [item.id, ...pendingUpdates(record!, item.target)];
      if (item.thread !== undefined) return { ...base, kind: 'reply', doneIds, attemptIds: [item.id], cardActivityId: item.thread };
      return { ...base, kind: 'post', doneIds, attemptIds: [item.id] };
    }
    case 'updateCard': {
      const ids = lane.filter((other) => other.item.kind === 'updateCard').map((other) => other.item.id);
      const card = record!.card!;
      const kind: JobKind = (card.shownVersion ?? -1) >= record!.referral.version ? 'skip' : 'update';
      return {
        ...base,
        kind,
        doneIds: ids,
        attemptIds: ids,
        cardActivityId: card.activityId!,
        ...(card.thread !== undefined && { threadRootId: card.thread }),
      };
    }
    case 'threadReply': {
      const card = record!.card!;
      return { ...base, kind: 'reply', doneIds: [item.id], attemptIds: [item.id], cardActivityId: card.thread ?? card.activityId! };
    }
    case 'personal':
      return { ...base, kind: 'personal', doneIds: [item.id], attemptIds: [item.id] };
    default:
      return { ...base, kind: target.kind === 'personal' ? 'personal' : 'post', doneIds: [item.id], attemptIds: [item.id] };
  }
}

/** The target's reference with its tenant filled in (the per-tenant limit and Teams need it). */
function withTenant(target: ConversationTarget): StoredReference {
  const reference = target.reference;
  if (reference.conversation.tenantId !== undefined || target.tenantId === undefined) return reference;
  return { ...reference, conversation: { ...reference.conversation, tenantId: target.tenantId } };
}
