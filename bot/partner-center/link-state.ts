// The bot-wide Partner Center state kept in the store's state (docs/architecture.md#partner-center):
// webhook events recorded before the 200 and not yet fetched, the poll's high-water mark, and the
// times status and /healthz report. Stored data, so every read checks its shape again.

import type { ReferralRecord, StoreState } from '../../storage/store.js';

/** A webhook event taken in: the referral to fetch. */
export interface InboxEvent {
  referralId: string;
  eventName: string;
  /** When the newest event for this referral arrived (later events fold into one entry and move it on). */
  receivedAt: string;
  attempts: number;
  notBefore?: string;
  lastError?: string;
}

export interface LinkState {
  inbox: InboxEvent[];
  /** The latest updatedDateTime the poll has taken in: the next poll asks for changes from there. */
  highWater?: string;
  lastWebhookAt?: string;
  lastPollAt?: string;
  lastPollError?: string;
  /** How the poll asks: changes since the mark, or (Partner Center refused that query) open work by status. */
  pollMode?: 'changes' | 'openWork';
  /** The reason managers were last told to sign in again (so they are told once per outage). */
  toldSignInNeeded?: string;
}

/** More events than this waiting means fetches are failing: refuse (503) so Partner Center retries, never drop. */
export const INBOX_MAX = 10_000;

export function linkState(state: StoreState): LinkState {
  const raw = state['partnerCenter'] as Partial<LinkState> | undefined;
  const inbox = Array.isArray(raw?.inbox) ? raw.inbox.filter((event): event is InboxEvent => typeof event?.referralId === 'string') : [];
  const { pollMode, ...rest } = typeof raw === 'object' && raw !== null ? raw : {};
  return { ...rest, inbox, ...((pollMode === 'changes' || pollMode === 'openWork') && { pollMode }) };
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

export function withLinkState(state: StoreState, link: LinkState): StoreState {
  return { ...state, partnerCenter: link };
}
