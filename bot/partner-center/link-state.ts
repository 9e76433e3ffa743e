// The bot-wide Partner Center state kept in the store's state (docs/architecture.md#partner-center):
// webhook events recorded before the 200 and not yet fetched, the poll's high-water mark, and the
// times status and /healthz report. Stored data, so every read checks its shape again.

import type { StoreState } from '../../storage/store.js';

/** A webhook event taken in: the referral to fetch. */
export interface InboxEvent {
  referralId: string;
  eventName: string;
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

export function withLinkState(state: StoreState, link: LinkState): StoreState {
  return { ...state, partnerCenter: link };
}
