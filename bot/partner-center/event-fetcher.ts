// Drains the webhook events recorded by the events route (docs/architecture.md#partner-center):
// fetches each referral by id from the Referrals API and adopts it. An event leaves the inbox in the
// write that takes its referral in (link-state.ts `waitingEvents`), or once Partner Center says the
// referral does not exist; its entry in the state is swept after. While nobody is signed in, events wait.

import { afterFailure, type RetryPolicy } from '../retry.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CommandDeps } from '../use-cases/apply-command.js';
import { adoptResource } from './adopt-resource.js';
import type { PartnerCenterApi } from './api-client.js';
import { linkState, waitingEvents, withLinkState, type InboxEvent } from './link-state.js';
import { SignInNeededError } from './sign-in.js';

/** While nobody is signed in, how often the kept sign-in is looked at again (a login from the terminal also wakes the loops). */
export const SIGN_IN_RECHECK_MS = 60_000;

/** An event is never dropped: fetched again and again (1 s … 5 min apart) until Partner Center answers. */
const RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 300_000, maxAttempts: Infinity };

export interface FetcherDeps {
  commands: CommandDeps;
  api: PartnerCenterApi;
  clock: Clock;
  log: Logger;
  /** Called when a fetch found nobody signed in (the connection tells the managers). */
  onSignInNeeded: (error: SignInNeededError) => void;
}

type Outcome = { done: true } | { done: false; waitMs?: number; error: string };

async function fetchOne(deps: FetcherDeps, event: InboxEvent): Promise<Outcome> {
  const answer = await deps.api.getReferral(event.referralId);
  if (answer.status === 404) {
    deps.log.warn('partner center: an event names a referral Partner Center does not have', { referralId: event.referralId, event: event.eventName });
    return { done: true };
  }
  if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) {
    return { done: false, ...(answer.retryAfterMs !== undefined && { waitMs: answer.retryAfterMs }), error: `GET answered ${answer.status}` };
  }
  const adopted = await adoptResource(deps.commands, answer.body as Record<string, unknown>, answer.eTag, deps.clock(), event.receivedAt);
  if (adopted.outcome === 'invalid') {
    // Retrying cannot make it valid; the problems say which field, never the customer's data.
    deps.log.error('partner center: a referral failed validation and was not taken in', {
      referralId: event.referralId,
      problems: adopted.problems.slice(0, 10),
    });
    return { done: true };
  }
  deps.log.info('partner center: referral taken in', { referralId: event.referralId, outcome: adopted.outcome, event: event.eventName });
  return { done: true };
}

/** Drops the inbox entries whose event a record has settled (same receipt time: nothing newer came since). */
async function sweepSettled(deps: FetcherDeps): Promise<InboxEvent[]> {
  const store = deps.commands.store;
  const inbox = linkState(store.readState()).inbox;
  const waiting = waitingEvents(inbox, store.openRecords());
  if (waiting.length === inbox.length) return waiting;
  const stillWaiting = new Set(waiting);
  const settled = new Set(inbox.filter((event) => !stillWaiting.has(event)).map((event) => `${event.referralId}\n${event.receivedAt}`));
  await store.updateState((state) => {
    const link = linkState(state);
    const kept = link.inbox.filter((event) => !settled.has(`${event.referralId}\n${event.receivedAt}`));
    return kept.length === link.inbox.length ? { result: undefined } : { state: withLinkState(state, { ...link, inbox: kept }), result: undefined };
  });
  return waiting;
}

/** One pass over the due events; returns when the next one is due. */
export async function fetchEvents(deps: FetcherDeps): Promise<number | undefined> {
  const store = deps.commands.store;
  for (;;) {
    const now = deps.clock().getTime();
    const due = (await sweepSettled(deps)).find((event) => !event.notBefore || Date.parse(event.notBefore) <= now);
    if (!due) break;
    let outcome: Outcome;
    try {
      outcome = await fetchOne(deps, due);
    } catch (error) {
      if (error instanceof SignInNeededError) {
        deps.onSignInNeeded(error);
        return SIGN_IN_RECHECK_MS; // or sooner: a sign-in wakes the fetcher
      }
      outcome = { done: false, error: (error as Error).message };
    }
    await store.updateState((state) => {
      const link = linkState(state);
      const index = link.inbox.findIndex((event) => event.referralId === due.referralId);
      if (index === -1) return { result: undefined };
      const inbox = [...link.inbox];
      if (outcome.done) {
        // An event that arrived during the fetch moved receivedAt on: it stays, to be fetched again.
        if (inbox[index]!.receivedAt !== due.receivedAt) return { result: undefined };
        inbox.splice(index, 1);
      } else {
        const failure = { error: outcome.error, ...(outcome.waitMs !== undefined && { retryAfterMs: outcome.waitMs }) };
        inbox[index] = afterFailure(inbox[index]!, failure, deps.clock().getTime(), RETRY).item;
      }
      return { state: withLinkState(state, { ...link, inbox }), result: undefined };
    });
  }
  const next = linkState(store.readState()).inbox.map((event) => Date.parse(event.notBefore ?? '') || 0);
  return next.length === 0 ? undefined : Math.max(0, Math.min(...next) - deps.clock().getTime());
}
