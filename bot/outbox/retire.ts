// When Teams says the bot is no longer in a conversation (403 BotNotInConversationRoster /
// ConversationBlockedByUser, 404 ConversationNotFound), or the conversation was marked inactive
// elsewhere (the bot was uninstalled): mark it inactive, drop what was queued for it, move every
// open referral whose card lived there to the route that takes it now (a fresh post, its pending
// thread replies with it) or leave it unrouted (posted when a channel subscribes), and tell the
// managers. No RFI vanishes.

import type { OutboxItem, ReferralRecord, Store, BotState } from '../../storage/store.js';
import { isActiveTarget, routes, targets, type ConversationTarget } from '../../storage/bot-state-reads.js';
import type { Logger } from '../logger.js';
import { managerNotices, outboxItem, routeFor } from './planner.js';
import { targetName } from './status.js';

/** Prefix of the inactiveReason the sender writes: tells its own retirements from others' on recovery. */
export const DELIVERY_REASON_PREFIX = 'delivery: ';

export interface RetireDeps {
  store: Store;
  log: Logger;
  managerIds: readonly string[];
  now: () => Date;
}

export interface RetireSummary {
  target: string;
  /** True when this call marked the target inactive (it was active). */
  deactivated: boolean;
  moved: Array<{ referralId: string; to: string }>;
  unrouted: string[];
  droppedItems: number;
  notified: string[];
}

const NOTICE_KEY = 'notice.channelRemoved';

function isOpen(record: ReferralRecord): boolean {
  return record.referral.status !== 'Closed';
}

/** Whether a record has anything to do with `key`: queued items, or an open referral's card there. */
export function touches(record: ReferralRecord, key: string): boolean {
  return record.outbox.some((item) => item.target === key) || (record.card?.target === key && isOpen(record));
}

/** Who hears about a lost channel: managers in personal chat, else another active channel. */
export function noticeItems(
  state: BotState,
  lost: ConversationTarget,
  reason: string,
  counts: { moved: number; unrouted: number },
  managerIds: readonly string[],
  now: Date,
): OutboxItem[] {
  // The reason stays a code here: it is put in the reader's words when the notice is rendered.
  const filters = routes(state)
    .filter((route) => route.target === lost.key)
    .map((route) => route.filters);
  const params = { channel: targetName(state, lost.key), reason, moved: counts.moved, unrouted: counts.unrouted, filters };
  const managers = managerNotices(state, managerIds, { key: NOTICE_KEY, params }, now);
  if (managers.length > 0) return managers;
  const channels = [
    ...routes(state).map((route) => route.target),
    ...Object.values(targets(state))
      .filter((target) => target.kind === 'channel')
      .map((target) => target.key),
  ];
  const fallback = channels.find((key) => key !== lost.key && isActiveTarget(state, key));
  return fallback ? [outboxItem('channelMessage', fallback, { key: NOTICE_KEY, params }, now)] : [];
}

/**
 * Retires `key`. Three steps, each one atomic store write (or one per referral):
 * 1. state: the target inactive, its bot-level items dropped, the managers' notice queued (when
 *    this call deactivated a channel; the counts are planned from the same state);
 * 2. each referral that touches it: its items there dropped and, if open with its card there, a
 *    fresh post to its new route (card.target replaced, no activity id) or no card (unrouted);
 * 3. when the target had been deactivated by someone else (an uninstall), the notice now.
 * A crash between 1 and 2 is repaired by the sender's rescan (open cards on inactive targets).
 */
export async function retireTarget(deps: RetireDeps, key: string, reason: string): Promise<RetireSummary> {
  const { store, log } = deps;
  const now = deps.now();
  const summary: RetireSummary = { target: key, deactivated: false, moved: [], unrouted: [], droppedItems: 0, notified: [] };
  const before = store.readState();
  const target = targets(before)[key];
  if (!target) return summary;
  const affected = store.openRecords().filter((record) => touches(record, key));

  // Plan with the target inactive: where each open card goes.
  const planState: BotState = { ...before, conversations: { ...before.conversations, [key]: { ...target, active: false } } };
  let plannedMoved = 0;
  let plannedUnrouted = 0;
  for (const record of affected) {
    if (record.card?.target !== key || !isOpen(record)) continue;
    if (routeFor(record.referral, planState)) plannedMoved++;
    else plannedUnrouted++;
  }

  const stateOutcome = await store.updateState((state) => {
    const current = targets(state)[key];
    if (!current) return { result: { deactivated: false, dropped: 0, notified: [] as string[] } };
    const deactivated = current.active;
    const conversations = deactivated
      ? { ...state.conversations, [key]: { ...current, active: false, inactiveReason: reason, updatedAt: now.toISOString() } satisfies ConversationTarget }
      : state.conversations;
    const kept = state.outbox.filter((item) => item.target !== key);
    const next: BotState = { ...state, conversations, outbox: kept };
    const notices =
      deactivated && current.kind === 'channel'
        ? noticeItems(next, current, reason, { moved: plannedMoved, unrouted: plannedUnrouted }, deps.managerIds, now)
        : [];
    const dropped = state.outbox.length - kept.length;
    if (!deactivated && dropped === 0) return { result: { deactivated, dropped, notified: [] as string[] } };
    return { state: { ...next, outbox: [...kept, ...notices] }, result: { deactivated, dropped, notified: notices.map((item) => item.target) } };
  });
  summary.deactivated = stateOutcome.deactivated;
  summary.droppedItems += stateOutcome.dropped;
  summary.notified.push(...stateOutcome.notified);

  const after = store.readState();
  for (const { referral } of affected) {
    const outcome = await store.updateDelivery(referral.id, (current) => {
      if (!current || !touches(current, key)) return { result: undefined };
      const outbox = current.outbox.filter((item) => item.target !== key);
      const pendingReplies = current.outbox.filter((item) => item.target === key && item.kind === 'threadReply');
      let dropped = current.outbox.length - outbox.length;
      let card = current.card;
      let move: { to?: string } | undefined;
      if (card?.target === key && isOpen(current)) {
        const to = routeFor(current.referral, after);
        if (to && to !== key) {
          card = { target: to };
          outbox.push(outboxItem('postCard', to, { key: 'card' }, now));
          // Reminders and notices not yet said go with the card, into its new thread (they wait for
          // the post's activity id). Card updates do not: the fresh post already shows the latest state.
          outbox.push(...pendingReplies.map((item) => outboxItem('threadReply', to, item.message, now)));
          dropped -= pendingReplies.length;
          move = { to };
        } else {
          card = undefined;
          move = {};
        }
      }
      return { delivery: { outbox, card: card ?? null }, result: { dropped, move } };
    });
    if (!outcome) continue;
    summary.droppedItems += outcome.dropped;
    if (outcome.move?.to) {
      summary.moved.push({ referralId: referral.id, to: outcome.move.to });
      log.info('outbox: referral re-routed', { referralId: referral.id, from: key, to: outcome.move.to });
    } else if (outcome.move) {
      summary.unrouted.push(referral.id);
      log.warn('outbox: referral unrouted (no other active route; posted when a channel subscribes)', { referralId: referral.id, from: key });
    }
  }

  const changed = summary.moved.length + summary.unrouted.length;
  const retiredByOthers = !summary.deactivated && !(target.inactiveReason ?? '').startsWith(DELIVERY_REASON_PREFIX);
  if (retiredByOthers && changed > 0 && target.kind === 'channel') {
    const notified = await store.updateState((state) => {
      const lost = targets(state)[key] ?? target;
      const notices = noticeItems(
        state,
        lost,
        lost.inactiveReason ?? reason,
        { moved: summary.moved.length, unrouted: summary.unrouted.length },
        deps.managerIds,
        now,
      );
      return notices.length > 0
        ? { state: { ...state, outbox: [...state.outbox, ...notices] }, result: notices.map((item) => item.target) }
        : { result: [] as string[] };
    });
    summary.notified.push(...notified);
  }

  if (summary.deactivated || changed > 0 || summary.droppedItems > 0) {
    const fields = {
      target: key,
      kind: target.kind,
      reason,
      deactivated: summary.deactivated,
      moved: summary.moved.length,
      unrouted: summary.unrouted.length,
      droppedItems: summary.droppedItems,
      notified: summary.notified,
    };
    if (target.kind === 'channel' && (summary.deactivated || changed > 0)) {
      log.warn('outbox: conversation retired: the bot cannot post there any more', fields);
      if (summary.notified.length === 0 && (summary.deactivated || retiredByOthers)) {
        log.error('outbox: nobody to tell about the lost channel (no manager with a personal chat, no other active channel)', { target: key });
      }
    } else {
      log.info('outbox: conversation retired', fields);
    }
  }
  return summary;
}
