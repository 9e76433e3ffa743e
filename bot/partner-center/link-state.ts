// The bot-wide Partner Center state kept in the store's state (docs/architecture.md#partner-center):
// webhook events recorded before the 200 and not yet fetched, the poll's high-water mark, and the
// times status and /healthz report. Its shape is checked where the store reads it (storage/bot-state.ts).

import type { BotState, InboxEvent, LinkState } from '../../storage/bot-state.js';
import type { ReferralRecord } from '../../storage/store.js';

export type { InboxEvent, LinkState } from '../../storage/bot-state.js';

/** More events than this waiting means fetches are failing: refuse (503) so Partner Center retries, never drop. */
export const INBOX_MAX = 10_000;

export function linkState(state: BotState): LinkState {
  return state.partnerCenter;
}

/**
 * The events still waiting for a fetch. A fetch writes the receipt time of the event it answers
 * into the referral's record (`partnerCenter.eventAt`), in the write that takes the referral in: from
 * that write on the event is settled, although its inbox entry is swept a moment later. So no reader
 * ever sees a card posted while its event still waits, and an event that arrived during the fetch
 * (a newer receipt time) still waits.
 */
export function waitingEvents(inbox: readonly InboxEvent[], openRecords: readonly ReferralRecord[]): InboxEvent[] {
  if (inbox.length === 0) return [];
  const ids = new Set(inbox.map((event) => event.referralId));
  const answered = new Map<string, string>();
  for (const record of openRecords) {
    const eventAt = record.partnerCenter?.eventAt;
    if (eventAt !== undefined && ids.has(record.referral.id)) answered.set(record.referral.id, eventAt);
  }
  return inbox.filter((event) => {
    const eventAt = answered.get(event.referralId);
    return eventAt === undefined || eventAt < event.receivedAt;
  });
}

export function withLinkState(state: BotState, link: LinkState): BotState {
  return { ...state, partnerCenter: link };
}
