// What is waiting to be sent, what failed, and which conversations the bot lost: for /healthz and
// the managers' `status` command. Computed from the store alone (open records + bot state), so it
// is right whether or not a sender runs in this process.

import type { OutboxItem, ReferralRecord, Store, BotState } from '../../storage/store.js';
import { targets, type ConversationTarget } from '../../storage/bot-state-reads.js';

export interface FailedItemView {
  id: string;
  kind: OutboxItem['kind'];
  target: string;
  targetName: string;
  /** Undefined for bot-level messages (welcome, notices). */
  referralId?: string;
  referralName?: string;
  attempts: number;
  lastError?: string;
  createdAt: string;
}

export interface TargetLoad {
  target: string;
  targetName: string;
  active: boolean;
  pending: number;
  failed: number;
}

export interface InactiveTargetView {
  key: string;
  kind: ConversationTarget['kind'];
  name: string;
  reason?: string;
  since: string;
}

export interface OutboxStatus {
  /** Items that will be sent (including those waiting for a retry or for their card's post). */
  pending: number;
  /** Items parked after too many attempts or a permanent error (retried at start and by retryFailed()). */
  failed: number;
  /** Age of the oldest pending item; null when nothing is pending. */
  oldestPendingAgeMs: number | null;
  /** Pending items waiting for a retry (notBefore in the future). */
  retrying: number;
  /** Open referrals without a card because no active channel takes them (posted when one subscribes). */
  unrouted: number;
  byTarget: TargetLoad[];
  /** The failed items, oldest first, at most `limit`. */
  failedItems: FailedItemView[];
  inactiveTargets: InactiveTargetView[];
}

/** A readable name for a conversation key: "Team › Channel", a user's name, else the key. */
export function targetName(state: BotState, key: string): string {
  const target = targets(state)[key];
  if (!target) return key;
  if (target.kind === 'personal') return target.userName ?? key;
  if (target.teamName && target.channelName) return `${target.teamName} › ${target.channelName}`;
  return target.channelName ?? target.teamName ?? key;
}

/** The outbox status now. `limit` bounds `failedItems` (default 20). */
export function outboxStatus(store: Store, now: Date = new Date(), limit = 20): OutboxStatus {
  const state = store.readState();
  const records = store.openRecords();
  let pending = 0;
  let failed = 0;
  let retrying = 0;
  let oldest = Number.POSITIVE_INFINITY;
  const loads = new Map<string, TargetLoad>();
  const failedItems: FailedItemView[] = [];
  const count = (item: OutboxItem, record: ReferralRecord | undefined) => {
    let load = loads.get(item.target);
    if (!load) {
      load = { target: item.target, targetName: targetName(state, item.target), active: targets(state)[item.target]?.active === true, pending: 0, failed: 0 };
      loads.set(item.target, load);
    }
    if (item.state === 'failed') {
      failed++;
      load.failed++;
      failedItems.push({
        id: item.id,
        kind: item.kind,
        target: item.target,
        targetName: load.targetName,
        ...(record && { referralId: record.referral.id, referralName: record.referral.name }),
        attempts: item.attempts,
        ...(item.lastError !== undefined && { lastError: item.lastError }),
        createdAt: item.createdAt,
      });
      return;
    }
    pending++;
    load.pending++;
    const created = Date.parse(item.createdAt);
    if (created < oldest) oldest = created;
    if (item.notBefore !== undefined && Date.parse(item.notBefore) > now.getTime()) retrying++;
  };
  let unrouted = 0;
  for (const record of records) {
    for (const item of record.outbox) count(item, record);
    if (!record.card && record.referral.status !== 'Closed') unrouted++;
  }
  for (const item of state.outbox) count(item, undefined);
  failedItems.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const inactiveTargets = Object.values(targets(state))
    .filter((target) => !target.active)
    .map((target) => ({
      key: target.key,
      kind: target.kind,
      name: targetName(state, target.key),
      ...(target.inactiveReason !== undefined && { reason: target.inactiveReason }),
      since: target.updatedAt,
    }));
  return {
    pending,
    failed,
    oldestPendingAgeMs: Number.isFinite(oldest) ? Math.max(0, now.getTime() - oldest) : null,
    retrying,
    unrouted,
    byTarget: [...loads.values()].sort((a, b) => b.pending + b.failed - (a.pending + a.failed)),
    failedItems: failedItems.slice(0, limit),
    inactiveTargets,
  };
}
