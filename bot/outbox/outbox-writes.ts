// The outbox's store writes (docs/architecture.md#delivery): what a delivered item leaves behind,
// what a failed attempt records, and parked items put back in line. The sender (sender.ts) decides
// when; these say what is written, each in one store write.

import type { Delivery, OutboxItem, ReferralRecord, Store } from '../../storage/store.js';
import { afterFailure, retryNow, type RetryPolicy } from '../retry.js';
import type { Job } from './delivery-plan.js';
import { describeFailure, type SendFailure } from './messenger.js';

/**
 * The write after a successful send (or a skip): the settled items leave the outbox and the card
 * learns what was sent. False when the item had left the outbox meanwhile (dropped, re-routed).
 */
export async function recordDelivered(store: Store, job: Job, activityId: string | undefined): Promise<boolean> {
  if (!job.record) {
    return store.updateState((state) => {
      const outbox = state.outbox.filter((item) => item.id !== job.head.id);
      return outbox.length === state.outbox.length ? { result: false } : { state: { ...state, outbox }, result: true };
    });
  }
  const shown = job.record.referral.version;
  const done = new Set(job.doneIds);
  return store.updateDelivery(job.record.referral.id, (current) => {
    if (!current || !current.outbox.some((item) => item.id === job.head.id)) return { result: false };
    const delivery: Delivery = { outbox: current.outbox.filter((item) => !done.has(item.id)) };
    if (job.head.kind === 'postCard' && activityId !== undefined && (!current.card || current.card.target === job.head.target)) {
      delivery.card = { target: job.head.target, activityId, shownVersion: shown, ...(job.head.thread !== undefined && { thread: job.head.thread }) };
    } else if (job.head.kind === 'updateCard' && current.card) {
      delivery.card = { ...current.card, shownVersion: Math.max(current.card.shownVersion ?? 0, shown) };
    }
    return { delivery, result: true };
  });
}

/** What a failed attempt does to the job's items (bot/retry.ts): parked, or pending until `notBefore`. */
export function failedAttempt(job: Job, failure: SendFailure, now: number, policy: RetryPolicy, random: () => number) {
  const retryAfterMs = failure.kind === 'retry' ? failure.retryAfterMs : undefined;
  const outcome = afterFailure(
    job.head,
    { error: describeFailure(failure), park: failure.kind === 'fatal', ...(retryAfterMs !== undefined && { retryAfterMs }) },
    now,
    policy,
    random,
  );
  const { attempts, lastError, notBefore } = outcome.item;
  // Items sent together (a post and the updates it settles) share the outcome of the one request.
  const change = (item: OutboxItem): OutboxItem => {
    if (!job.attemptIds.includes(item.id)) return item;
    const next: OutboxItem = { ...item, attempts: Math.max(item.attempts + 1, attempts), state: outcome.parked ? 'failed' : 'pending' };
    if (lastError !== undefined) next.lastError = lastError;
    if (notBefore) next.notBefore = notBefore;
    else delete next.notBefore;
    return next;
  };
  return { parked: outcome.parked, delayMs: outcome.delayMs, attempts, notBefore, retryAfterMs, change };
}

/**
 * Rewrites the outbox an item lives in (its referral's, or the bot-level one in the state) if the
 * item is still there: it may have been sent or dropped meanwhile.
 */
export async function changeOutbox(
  store: Store,
  record: ReferralRecord | undefined,
  itemId: string,
  change: (outbox: OutboxItem[]) => OutboxItem[],
): Promise<void> {
  const holds = (outbox: readonly OutboxItem[]) => outbox.some((item) => item.id === itemId);
  if (record) {
    await store.updateDelivery(record.referral.id, (current) =>
      current && holds(current.outbox) ? { delivery: { outbox: change(current.outbox) }, result: undefined } : { result: undefined },
    );
  } else {
    await store.updateState((state) =>
      holds(state.outbox) ? { state: { ...state, outbox: change(state.outbox) }, result: undefined } : { result: undefined },
    );
  }
}

/** Parked items back in line (at start and on `status retry`); returns how many. */
export async function resetFailed(store: Store): Promise<number> {
  // An item Teams accepted without an activity id was sent: sending it again would post it twice.
  const resettable = (item: OutboxItem) => item.state === 'failed' && !item.lastError?.startsWith('NoActivityId');
  const reset = (item: OutboxItem): OutboxItem => (resettable(item) ? retryNow(item) : item);
  let count = 0;
  for (const record of store.openRecords()) {
    if (!record.outbox.some(resettable)) continue;
    count += await store.updateDelivery(record.referral.id, (current) => {
      const failed = current?.outbox.filter(resettable).length ?? 0;
      if (!current || failed === 0) return { result: 0 };
      return { delivery: { outbox: current.outbox.map(reset) }, result: failed };
    });
  }
  count += await store.updateState((state) => {
    const failed = state.outbox.filter(resettable).length;
    return failed === 0 ? { result: 0 } : { state: { ...state, outbox: state.outbox.map(reset) }, result: failed };
  });
  return count;
}
