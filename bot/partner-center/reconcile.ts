// The reconcile poll (docs/architecture.md#partner-center): Partner Center gives up on a webhook
// after 10 attempts, so every PARTNER_CENTER_POLL_EVERY the bot lists the referrals changed since
// its high-water mark, page by page, and adopts each. A poll costs pages of changes, not the
// history; the mark moves only past what was taken in.

import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { adoptResource } from './adopt-resource.js';
import type { PartnerCenterApi } from './api-client.js';
import { linkState, withLinkState } from './link-state.js';
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

export async function pollOnce(deps: ReconcileDeps): Promise<PollResult> {
  const store = deps.commands.store;
  const started = performance.now();
  const mark = linkState(store.readState()).highWater;
  const since = mark ? new Date(Date.parse(mark) - OVERLAP_MS).toISOString() : undefined;
  let highWater = mark;
  const result: PollResult = { pages: 0, seen: 0, changed: 0 };
  let next: string | undefined;
  let error: string | undefined;
  do {
    const page = await deps.api.listChanged(since, next);
    if (page.answer.status !== 200) {
      error = `list answered ${page.answer.status}`;
      break;
    }
    result.pages++;
    for (const item of page.items) {
      result.seen++;
      const adopted = await adoptResource(deps.commands, item, typeof item['eTag'] === 'string' ? item['eTag'] : undefined, deps.clock());
      if (adopted.outcome === 'created' || adopted.outcome === 'updated') result.changed++;
      if (adopted.outcome === 'invalid')
        deps.log.error('partner center: a listed referral failed validation', { referralId: adopted.id, problems: adopted.problems.slice(0, 10) });
      const updated = item['updatedDateTime'];
      if (typeof updated === 'string' && !Number.isNaN(Date.parse(updated)) && (!highWater || Date.parse(updated) > Date.parse(highWater))) highWater = updated;
    }
    next = page.nextLink;
  } while (next && result.pages < MAX_PAGES);
  const at = deps.clock().toISOString();
  await store.updateState((state) => {
    const link = linkState(state);
    const updated = { ...link, lastPollAt: at, ...(highWater && { highWater }) };
    if (error) updated.lastPollError = error;
    else delete updated.lastPollError;
    return { state: withLinkState(state, updated), result: undefined };
  });
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  if (error) deps.log.warn('partner center: poll incomplete', { error, pages: result.pages });
  else if (result.changed > 0) deps.log.info('partner center: poll took in changes', { ...result, durationMs });
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
