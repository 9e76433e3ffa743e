// Writes each decision back to Partner Center (docs/architecture.md#partner-center): the writes a
// command queued in its own store write, per referral in order, as JSON Patch with If-Match. 429 /
// 503 wait as Partner Center says; a 412 re-reads the referral and re-applies the change when it
// still applies, else adopts Partner Center's state; a write refused for good is parked, shown on
// the card, and waits for a retry. Nothing is dropped while nobody is signed in.

import { alreadyApplied, partnerCenterPatch, stillApplies, type PatchOperation } from '../../referrals/partner-center.js';
import type { Rfi } from '../../referrals/model.js';
import type { PartnerCenterLink, PartnerCenterWrite, ReferralRecord } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { afterFailure, retryNow, type RetryPolicy } from '../retry.js';
import { outboxItem } from '../outbox/planner.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { adoptResource } from './adopt-resource.js';
import type { ApiAnswer, PartnerCenterApi } from './api-client.js';
import { SignInNeededError } from './sign-in.js';
import { SIGN_IN_RECHECK_MS } from './event-fetcher.js';

/** A write is tried 12 times over about half an hour (1 s … 15 min apart) before it is parked on the card. */
const WRITE_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 15 * 60_000, maxAttempts: 12 };

export interface WriterDeps {
  commands: CommandDeps;
  api: PartnerCenterApi;
  clock: Clock;
  log: Logger;
  onSignInNeeded: (error: SignInNeededError) => void;
  /** Transient failures before a write is parked. */
  maxAttempts?: number;
}

const MAX_REBASES = 3;

type Result =
  | { kind: 'done'; eTag?: string; resource?: Record<string, unknown>; note?: string }
  | { kind: 'retry'; error: string; retryAfterMs?: number; counts: boolean }
  | { kind: 'park'; error: string };

function bodyOf(answer: ApiAnswer): Record<string, unknown> | undefined {
  return typeof answer.body === 'object' && answer.body !== null && !Array.isArray(answer.body) ? (answer.body as Record<string, unknown>) : undefined;
}

/** Partner Center's own words for a refusal, short, for the card and the logs. */
function refusal(answer: ApiAnswer): string {
  const body = bodyOf(answer);
  const message = body?.['description'] ?? body?.['message'] ?? (body?.['error'] as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message.trim() !== '' ? `${answer.status}: ${message.trim().slice(0, 200)}` : `${answer.status}`;
}

async function attempt(deps: WriterDeps, record: ReferralRecord, operations: PatchOperation[]): Promise<Result> {
  const id = record.referral.id;
  let eTag = record.partnerCenter?.eTag;
  for (let rebase = 0; rebase <= MAX_REBASES; rebase++) {
    if (eTag === undefined) {
      const fresh = await deps.api.getReferral(id);
      if (fresh.status === 404) return { kind: 'park', error: 'Partner Center has no referral with this id' };
      if (fresh.status !== 200)
        return {
          kind: 'retry',
          error: `GET answered ${fresh.status}`,
          counts: fresh.status !== 429,
          ...(fresh.retryAfterMs !== undefined && { retryAfterMs: fresh.retryAfterMs }),
        };
      eTag = fresh.eTag;
    }
    const answer = await deps.api.patchReferral(id, operations, eTag);
    if (answer.status === 200 || answer.status === 204) {
      const resource = bodyOf(answer);
      return { kind: 'done', ...(answer.eTag !== undefined && { eTag: answer.eTag }), ...(resource && { resource }) };
    }
    if (answer.status === 412) {
      const fresh = await deps.api.getReferral(id);
      const resource = bodyOf(fresh);
      if (fresh.status !== 200 || !resource) return { kind: 'retry', error: `412, then GET answered ${fresh.status}`, counts: true };
      // Sent before, and only the answer was lost (a crash, a timeout): it is there already.
      if (alreadyApplied(operations, resource)) return { kind: 'done', ...(fresh.eTag !== undefined && { eTag: fresh.eTag }), resource };
      if (stillApplies(operations, resource as Rfi)) {
        eTag = fresh.eTag;
        continue;
      }
      // Someone else changed it there first: Partner Center's state is adopted (the thread says so).
      const adopted = await adoptResource(deps.commands, resource, fresh.eTag, deps.clock());
      if (adopted.outcome === 'updated') return { kind: 'done', ...(fresh.eTag !== undefined && { eTag: fresh.eTag }), resource, note: 'superseded' };
      return { kind: 'park', error: `Partner Center shows ${String(resource['status'])}/${String(resource['substatus'])}, where this change does not apply` };
    }
    if (answer.status === 429 || answer.status === 503) {
      return {
        kind: 'retry',
        error: refusal(answer),
        counts: answer.status === 503,
        ...(answer.retryAfterMs !== undefined && { retryAfterMs: answer.retryAfterMs }),
      };
    }
    if (answer.status === 401) throw new SignInNeededError('Partner Center refused the signed-in account (401)');
    if (answer.status === 403) return { kind: 'park', error: `${refusal(answer)} (the signed-in account needs the Referrals admin or user role)` };
    if (answer.status >= 500) return { kind: 'retry', error: refusal(answer), counts: true };
    return { kind: 'park', error: refusal(answer) };
  }
  return { kind: 'retry', error: `412 ${MAX_REBASES + 1} times in a row`, counts: true };
}

function firstDue(record: ReferralRecord, now: number): PartnerCenterWrite | undefined {
  const head = record.partnerCenter?.writes[0];
  if (!head || head.state !== 'pending') return undefined; // a parked write holds the ones after it: order matters
  return !head.notBefore || Date.parse(head.notBefore) <= now ? head : undefined;
}

async function record(deps: WriterDeps, id: string, write: PartnerCenterWrite, result: Result): Promise<void> {
  const now = deps.clock();
  await deps.commands.store.updateDelivery(id, (current) => {
    if (!current?.partnerCenter) return { result: undefined };
    const link: PartnerCenterLink = current.partnerCenter;
    const index = link.writes.findIndex((candidate) => candidate.id === write.id);
    if (index === -1) return { result: undefined };
    const writes = [...link.writes];
    let next: PartnerCenterLink;
    if (result.kind === 'done') {
      writes.splice(index, 1);
      next = {
        ...link,
        writes,
        syncedAt: now.toISOString(),
        ...(result.eTag !== undefined && { eTag: result.eTag }),
        ...(result.resource && { resource: result.resource }),
      };
      // A 204 names no eTag: the next write reads it first.
      if (result.eTag === undefined) delete next.eTag;
    } else {
      // A refusal parks the write now (its attempts unchanged); a retry counts unless it was an expected wait.
      const failure =
        result.kind === 'park'
          ? { error: result.error, park: true, counts: false }
          : { error: result.error, counts: result.counts, ...(result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }) };
      writes[index] = afterFailure(writes[index]!, failure, now.getTime(), { ...WRITE_RETRY, maxAttempts: deps.maxAttempts ?? WRITE_RETRY.maxAttempts }).item;
      next = { ...link, writes };
    }
    // Parked: the card is sent again, so that (refreshing) it shows its owner the problem and the retry button.
    const outbox =
      result.kind === 'park' && current.card ? [...current.outbox, outboxItem('updateCard', current.card.target, { key: 'card' }, now)] : current.outbox;
    return { delivery: { outbox, partnerCenter: next }, result: undefined };
  });
}

/** One pass: every referral's first due write; returns when the next one is due. */
export async function writePending(deps: WriterDeps): Promise<number | undefined> {
  for (;;) {
    const now = deps.clock().getTime();
    const due = deps.commands.store.openRecords().flatMap((candidate) => {
      const write = firstDue(candidate, now);
      return write ? [{ record: candidate, write }] : [];
    });
    if (due.length === 0) break;
    for (const { record: current, write } of due) {
      const event = current.referral.history[write.eventIndex];
      const operations = event && partnerCenterPatch(event);
      let result: Result;
      if (!operations || operations.length === 0) result = { kind: 'done' };
      else {
        try {
          result = await attempt(deps, current, operations);
        } catch (error) {
          if (error instanceof SignInNeededError) {
            deps.onSignInNeeded(error);
            return SIGN_IN_RECHECK_MS; // held; a sign-in wakes the writer sooner
          }
          result = { kind: 'retry', error: (error as Error).message.slice(0, 200), counts: true };
        }
      }
      if (result.kind === 'park') deps.log.error('partner center: write parked', { referralId: current.referral.id, event: event?.type, reason: result.error });
      else if (result.kind === 'done')
        deps.log.info('partner center: written', { referralId: current.referral.id, event: event?.type, ...(result.note && { note: result.note }) });
      else deps.log.warn('partner center: write will be retried', { referralId: current.referral.id, event: event?.type, reason: result.error });
      await record(deps, current.referral.id, write, result);
    }
  }
  const waits = deps.commands.store
    .openRecords()
    .flatMap((candidate) =>
      candidate.partnerCenter?.writes[0]?.state === 'pending' ? [Date.parse(candidate.partnerCenter.writes[0].notBefore ?? '') || 0] : [],
    );
  return waits.length === 0 ? undefined : Math.max(0, Math.min(...waits) - deps.clock().getTime());
}

/** Puts a referral's parked writes back in line (the card's retry button, `status`). Returns how many. */
export async function retryParked(deps: Pick<CommandDeps, 'store'>, id: string): Promise<number> {
  return deps.store.updateDelivery(id, (current) => {
    const link = current?.partnerCenter;
    const parked = link?.writes.filter((write) => write.state === 'failed').length ?? 0;
    if (!current || !link || parked === 0) return { result: 0 };
    const writes = link.writes.map((write) => (write.state === 'failed' ? retryNow(write) : write));
    return { delivery: { outbox: current.outbox, partnerCenter: { ...link, writes } }, result: parked };
  });
}

/** Every parked write of every open referral back in line (`status retry`). */
export async function retryAllParked(store: CommandDeps['store']): Promise<number> {
  let count = 0;
  for (const record of store.openRecords()) {
    if (record.partnerCenter?.writes.some((write) => write.state === 'failed')) count += await retryParked({ store }, record.referral.id);
  }
  return count;
}
