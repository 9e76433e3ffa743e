// The Store interface: what the bot needs from persistence. The lowdb implementation
// (lowdb-store.ts) is the embedded default; another backend implements the same contract.

import type { Referral, Status, Substatus } from '../referrals/model.js';
import type { Route } from '../referrals/routing.js';
import type { BotState } from './bot-state.js';

/** The reason a `notice.partnerCenter` signInFailed carries when the sign-in lacked MFA: each reader's locale words it. */
export const MFA_REQUIRED = 'mfa_required';

/** What a route-change notice says: who, which channel (its name then), which filters, and the effect on open referrals. */
export type RouteChangeNotice =
  | { change: 'subscribed'; by: string; channel: string; filters: Route['filters']; waiting: number }
  | { change: 'unsubscribed'; by: string; channel: string; routes: number; cardsHere: number; anyRouteLeft: boolean };

/** A digest's slot and content, as queued (content is compact JSON; see bot/timers/digest.ts). */
export interface DigestParams {
  slot: string;
  since: string;
  content: string;
  attentionTotal: number;
  changesTotal: number;
}

/** What an outbox item says, rendered at send time (bot/outbox/render.ts). */
export type OutboxMessage =
  /** The referral's card in its current state. */
  | { key: 'card' }
  /** A reply about the referral's history event `index`; `referralId` marks a personal copy; `mention`: whom it @mentions. */
  | { key: 'event'; params: { index: number; referralId?: string; mention?: { id: string; name: string }[] } }
  /** The welcome card of a newly installed channel. */
  | { key: 'welcome' }
  /** A channel's digest for one slot. */
  | { key: 'digest'; params: DigestParams }
  /** Managers' notice about the Partner Center connection: a sign-in is needed again, or someone signed in. */
  | { key: 'notice.partnerCenter'; params: { kind: 'signInNeeded' | 'signedIn' | 'signInFailed'; reason?: string; account?: string } }
  /** Managers' notice that someone changed a channel's routes (bot/use-cases/route-notices.ts). */
  | { key: 'notice.routeChanged'; params: RouteChangeNotice }
  /** Managers' notice that the bot lost a channel; `reason` is a code, put in words when rendered. */
  | { key: 'notice.channelRemoved'; params: { channel: string; reason: string; moved: number; unrouted: number; filters?: Route['filters'][] } };

/** Something the bot sends on its own, queued in the same write as the change that causes it. */
export interface OutboxItem {
  /** Unique and stable: the sender's idempotency key. */
  id: string;
  /**
   * postCard: the referral's card, first post in its channel.
   * updateCard: edit of the posted card to the referral's current state (coalesced per referral).
   * threadReply: a message in the card's thread.
   * personal: a message in a user's personal chat.
   * channelMessage: a message posted in a channel, not about one card (welcome, admin notices).
   */
  kind: 'postCard' | 'updateCard' | 'threadReply' | 'personal' | 'channelMessage';
  /** Where it goes: a key into the conversations of BotState. */
  target: string;
  /** A postCard into the thread of this card (activity id) rather than as a new post. */
  thread?: string;
  /** What to say; rendered at send time, so a card shows the referral as it is then. */
  message: OutboxMessage;
  createdAt: string;
  attempts: number;
  /** Not before this time (backoff). */
  notBefore?: string;
  lastError?: string;
  /** pending: will be tried; failed: parked after too many attempts (retried on start or by an admin). */
  state: 'pending' | 'failed';
}

/** A decision waiting to be written to Partner Center: queued in the write of the decision itself. */
export interface PartnerCenterWrite {
  /** Unique and stable: sent as client-request-id, so Partner Center's logs tie the attempts together. */
  id: string;
  /** The history event this write carries (referrals/partner-center.ts turns it into a JSON Patch). */
  eventIndex: number;
  createdAt: string;
  attempts: number;
  notBefore?: string;
  lastError?: string;
  /** pending: will be tried; failed: parked (shown on the card with a retry button). */
  state: 'pending' | 'failed';
}

/** What the bot knows of a referral in Partner Center. */
export interface PartnerCenterLink {
  /** The eTag of the version last read or written (If-Match of the next write). */
  eTag?: string;
  writes: PartnerCenterWrite[];
  /** The resource as Partner Center last sent it, ids and all. */
  resource?: Record<string, unknown>;
  syncedAt?: string;
  /**
   * The receipt time of the newest webhook event a fetch of this referral answered: written with the
   * referral it fetched, so that event leaves the inbox in the same write (bot/partner-center/link-state.ts).
   */
  eventAt?: string;
}

/** Where a referral's card lives once posted. */
export interface CardPost {
  target: string;
  activityId?: string;
  /** Posted as a reply in the thread of this card (the engagement's first referral): its updates and replies go there. */
  thread?: string;
  /** The referral version the channel's card shows now. */
  shownVersion?: number;
}

/** Everything stored about one referral, written as one unit. */
export interface ReferralRecord {
  referral: Referral;
  outbox: OutboxItem[];
  card?: CardPost;
  /** Only for referrals taken in from Partner Center. */
  partnerCenter?: PartnerCenterLink;
}

/** The outcome of a command's read-decide-write: the record to write (omit to write nothing) and a result. */
export interface Mutation<T> {
  record?: ReferralRecord;
  result: T;
}

/** What a delivery write may change: the outbox and where the card lives, never the referral. */
export interface Delivery {
  outbox: OutboxItem[];
  /** Where the card lives now; omitted: unchanged; null: nowhere (unrouted, it waits for a channel). */
  card?: CardPost | null;
  /** The Partner Center link (writes sent or parked, the new eTag); omitted: unchanged. */
  partnerCenter?: PartnerCenterLink;
}

/** The outcome of a delivery write: the new delivery state (omit to write nothing) and a result. */
export interface DeliveryMutation<T> {
  delivery?: Delivery;
  result: T;
}

export interface ReferralSummary {
  id: string;
  status: Status;
  substatus: Substatus;
  receivedDateTime: string;
  createdDateTime: string;
  /** Lets list({ updatedSince }) skip archived referrals without reading their segment. */
  updatedDateTime?: string;
}

export interface ListFilter {
  status?: Status;
  substatus?: Substatus;
  /**
   * Only referrals whose updatedDateTime (the time of their last event) is at or after this ISO
   * time: whatever happened since then. Archived referrals older than that are skipped without
   * reading their segment, so a look at recent activity costs what it returns, not the history.
   */
  updatedSince?: string;
}

export type { BotState } from './bot-state.js';

/** The store cannot be reached just now (its database is down): callers answer 503 and try later; nothing was written. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export type RecordListener = (record: ReferralRecord) => void;

export interface Store {
  /** Opens (creates) the data directory and loads the indexes. */
  open(): Promise<void>;
  /** Waits for writes under way and closes. */
  close(): Promise<void>;

  get(id: string): Promise<ReferralRecord | undefined>;
  /** Matching referrals, newest (by receipt) first. */
  list(filter?: ListFilter): Promise<Referral[]>;
  /** Like list(), with the whole records (the card's channel, the outbox). */
  listRecords(filter?: ListFilter): Promise<ReferralRecord[]>;
  /** The records of every open (not archived) referral, in memory: what the scheduler and sender work on. */
  openRecords(): ReferralRecord[];

  /**
   * The write of a decided command: atomic read-modify-write of one referral plus its outbox. Only
   * applyCommand calls it (a lint rule says so): it is the one path that changes a referral. Calls on
   * one id (this and updateDelivery) are serialized; the promise settles once the write is durable.
   */
  commitCommand<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T>;

  /**
   * A delivery write (outbox items sent, parked or dropped; the card's id and channel): serialized
   * and durable like commitCommand, but it cannot change the referral: the store keeps the stored one.
   * `current` is undefined for an unknown id; nothing is written for it.
   */
  updateDelivery<T>(id: string, change: (current: ReferralRecord | undefined) => DeliveryMutation<T> | Promise<DeliveryMutation<T>>): Promise<T>;

  /** The bot-wide state, read and changed the same way (serialized, atomic, durable). */
  readState(): BotState;
  updateState<T>(change: (state: BotState) => { state?: BotState; result: T }): Promise<T>;

  /** Calls `listener` after each referral write with the record as written; returns what stops it. */
  onChange(listener: RecordListener): () => void;

  /**
   * Bulk import (`npm run store -- copy`, docs/deploy.md): writes records whose ids are new, in large
   * batches, and refuses (writing nothing) when one is already stored. It calls no listener here;
   * instances sharing the store are told to reload, so their timers and outbox see the imported work.
   */
  importRecords(records: readonly ReferralRecord[]): Promise<void>;

  /** Counts for /healthz and the benchmark (the embedded store answers once its archive is indexed). */
  stats(): Promise<{ open: number; archived: number }>;
}
