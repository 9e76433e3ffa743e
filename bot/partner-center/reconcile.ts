// The reconcile poll (docs/architecture.md#partner-center): Partner Center gives up on a webhook
// after 10 attempts, so every PARTNER_CENTER_POLL_EVERY the bot lists the referrals changed since
// its high-water mark, page by page, and adopts each. A poll costs pages of changes, not the
// history; the mark moves only past what was taken in. Should Partner Center refuse that query (its
// docs list $filter on status only), the poll falls back to listing open work by status.

import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { adoptResource } from './adopt-resource.js';
import type { PartnerCenterApi } from './api-client.js';
import { linkState, withLinkState, type LinkState } from './link-state.js';
import { SignInNeededError } from './sign-in.js';

export interface ReconcileDeps {
  commands: CommandDeps;
  api: PartnerCenterApi;
  clock: Clock;
  log: Logger;
  everyMs: number;
  onSignInNeeded: (error: SignInNeededError) => void;
}

/** Re-read a little before the mark: changes that share its timestamp, a clock a moment behind. */
const OVERLAP_MS = 60_000;
const MAX_PAGES = 1_000;

export interface PollResult {
  pages: number;
  seen: number;
  changed: number;
}

/** Adopts one listed or fetched resource; returns whether it changed something. */
async function adoptListed(deps: ReconcileDeps, item: Record<string, unknown>): Promise<boolean> {
  const adopted = await adoptResource(deps.commands, item, typeof item['eTag'] === 'string' ? item['eTag'] : undefined, deps.clock());
  if (adopted.outcome === 'invalid')
    deps.log.error('partner center: a listed referral failed validation', { referralId: adopted.id, problems: adopted.problems.slice(0, 10) });
  return adopted.outcome === 'created' || adopted.outcome === 'updated';
}

interface PollOutcome {
  result: PollResult;
  error?: string;
  highWater?: string;
  /** Partner Center refused the changed-since query (400): poll by status from now on. */
  refused?: boolean;
}

/** The poll as designed: the referrals changed since the mark, oldest change first. */
async function pollChanges(deps: ReconcileDeps, mark: string | undefined): Promise<PollOutcome> {
  const since = mark ? new Date(Date.parse(mark) - OVERLAP_MS).toISOString() : undefined;
  let highWater = mark;
  const result: PollResult = { pages: 0, seen: 0, changed: 0 };
  let next: string | undefined;
  do {
    const page = await deps.api.listChanged(since, next);
    if (page.answer.status !== 200) {
      const outcome = { result, ...(highWater && { highWater }), error: `list answered ${page.answer.status}` };
      return page.answer.status === 400 && result.pages === 0 ? { ...outcome, refused: true } : outcome;
    }
    result.pages++;
    for (const item of page.items) {
      result.seen++;
      if (await adoptListed(deps, item)) result.changed++;
      const updated = item['updatedDateTime'];
      if (typeof updated === 'string' && !Number.isNaN(Date.parse(updated)) && (!highWater || Date.parse(updated) > Date.parse(highWater))) highWater = updated;
    }
    next = page.nextLink;
  } while (next && result.pages < MAX_PAGES);
  return { result, ...(highWater && { highWater }) };
}

/**
 * The fallback with only the query options Partner Center documents ($filter on status): every New
 * and Active referral there, then each referral open here that neither list showed, by id (it
 * closed there). Costs the open work on both sides, still not the history.
 */
async function pollOpenWork(deps: ReconcileDeps): Promise<PollOutcome> {
  const result: PollResult = { pages: 0, seen: 0, changed: 0 };
  const listed = new Set<string>();
  for (const status of ['New', 'Active'] as const) {
    let next: string | undefined;
    do {
      const page = await deps.api.listByStatus(status, next);
      if (page.answer.status !== 200) return { result, error: `list of ${status} answered ${page.answer.status}` };
      result.pages++;
      for (const item of page.items) {
        result.seen++;
        if (typeof item['id'] === 'string') listed.add(item['id']);
        if (await adoptListed(deps, item)) result.changed++;
      }
      next = page.nextLink;
    } while (next && result.pages < MAX_PAGES);
  }
  for (const record of deps.commands.store.openRecords()) {
    const id = record.referral.id;
    const known = record.referral.source === 'partnerCenter' || record.partnerCenter?.resource !== undefined;
    if (record.referral.status === 'Closed' || !known || listed.has(id)) continue;
    const answer = await deps.api.getReferral(id);
    if (answer.status === 404) {
      deps.log.warn('partner center: a referral open here is gone from Partner Center', { referralId: id });
      continue;
    }
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) return { result, error: `GET ${id} answered ${answer.status}` };
    result.seen++;
    if (await adoptListed(deps, answer.body as Record<string, unknown>)) result.changed++;
  }
  return { result };
}

export async function pollOnce(deps: ReconcileDeps): Promise<PollResult> {
  const store = deps.commands.store;
  const started = performance.now();
  const link = linkState(store.readState());
  let mode = link.pollMode ?? 'changes';
  let outcome = mode === 'changes' ? await pollChanges(deps, link.highWater) : await pollOpenWork(deps);
  if (outcome.refused) {
    deps.log.warn('partner center: the changed-since query was refused (400); polling New and Active referrals by status from now on');
    mode = 'openWork';
    // Recorded before the fallback poll takes anything in: whoever sees its cards sees the mode that found them.
    await store.updateState((state) => ({ state: withLinkState(state, { ...linkState(state), pollMode: mode }), result: undefined }));
    outcome = await pollOpenWork(deps);
  }
  const { result, error, highWater } = outcome;
  const at = deps.clock().toISOString();
  await store.updateState((state) => {
    const current = linkState(state);
    const updated: LinkState = { ...current, lastPollAt: at, pollMode: mode, ...(highWater && { highWater }) };
    if (error) updated.lastPollError = error;
    else delete updated.lastPollError;
    return { state: withLinkState(state, updated), result: undefined };
  });
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  if (error) deps.log.warn('partner center: poll incomplete', { error, pages: result.pages });
  else if (result.changed > 0) deps.log.info('partner center: poll took in changes', { ...result, mode, durationMs });
  return result;
}

/** The poll as a loop pass: a poll, then sleep until the next. */
export function reconcilePass(deps: ReconcileDeps): () => Promise<number | undefined> {
  return async () => {
    try {
      await pollOnce(deps);
    } catch (error) {
      if (error instanceof SignInNeededError) {
        deps.onSignInNeeded(error);
        return deps.everyMs;
      }
      throw error;
    }
    return deps.everyMs;
  };
}
