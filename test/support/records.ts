// Test data for the storage tests, made by the real lifecycle core (decide + evolve), so the
// records have the shape the bot writes.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Command } from '../../referrals/commands.js';
import type { Referral } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import type { OutboxItem, ReferralRecord } from '../../storage/store.js';

export const T0 = new Date('2026-03-02T09:00:00.000Z');
const SELLER = { id: 'aad-seller-1', name: 'Dana Seller' };

function apply(referral: Referral | undefined, command: Command, now: Date): Referral {
  const decision = decide(referral, command, now, DEFAULT_POLICY);
  if (!decision.ok) throw decision.error;
  return applyEvents(referral, decision.events);
}

/** A referral just taken in (New/Pending), received at `now`. */
export function newReferral(id: string, now: Date = T0, customer = 'Contoso'): Referral {
  return apply(undefined, { type: 'takeIn', rfi: { id, customerProfile: { name: customer } } }, now);
}

/** The referral declined by a seller a minute later: Closed/Declined, one version up. */
export function declined(referral: Referral): Referral {
  const at = new Date(Date.parse(referral.updatedDateTime) + 60_000);
  return apply(referral, { type: 'decline', actor: SELLER, reason: 'NotACustomer' }, at);
}

/** The referral accepted by a seller a minute later: Active/Accepted. */
export function accepted(referral: Referral): Referral {
  const at = new Date(Date.parse(referral.updatedDateTime) + 60_000);
  return apply(referral, { type: 'accept', actor: SELLER, fields: { dealValue: 50_000, currency: 'USD' }, contacts: [] }, at);
}

/** The accepted referral won a minute later: Closed/Won. */
export function won(referral: Referral): Referral {
  const at = new Date(Date.parse(referral.updatedDateTime) + 60_000);
  return apply(referral, { type: 'won', actor: SELLER }, at);
}

export function outboxItem(id: string, kind: OutboxItem['kind'] = 'updateCard'): OutboxItem {
  return { id, kind, target: 'channel:sales', message: { key: 'card' }, createdAt: T0.toISOString(), attempts: 0, state: 'pending' };
}

export function recordOf(referral: Referral, outbox: OutboxItem[] = []): ReferralRecord {
  return { referral, outbox };
}

/** `n` minutes after T0: distinct receipt times make list() order checkable. */
export function minutesAfterT0(n: number): Date {
  return new Date(T0.getTime() + n * 60_000);
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'referral-desk-storage-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
