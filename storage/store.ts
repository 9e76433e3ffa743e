// The Store interface: what the bot needs from persistence. The lowdb implementation
// (lowdb-store.ts) is the embedded default; another backend implements the same contract.

import type { Referral, Status, Substatus } from '../referrals/model.js';

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
  /** Where it goes: a key into the conversations of StoreState. */
  target: string;
  /** What to say: a locale-string key plus parameters, or a card name; rendered at send time. */
  message: { key: string; params?: Record<string, string | number> };
  createdAt: string;
  attempts: number;
  /** Not before this time (backoff). */
  notBefore?: string;
  lastError?: string;
  /** pending: will be tried; failed: parked after too many attempts (retried on start or by an admin). */
  state: 'pending' | 'failed';
}

/** Where a referral's card lives once posted. */
export interface CardPost {
  target: string;
  activityId?: string;
  /** The referral version the channel's card shows now. */
  shownVersion?: number;
}

/** Everything stored about one referral, written as one unit. */
export interface ReferralRecord {
  referral: Referral;
  outbox: OutboxItem[];
  card?: CardPost;
}

/** The outcome of a read-modify-write: the record to write (omit to write nothing) and a result. */
export interface Mutation<T> {
  record?: ReferralRecord;
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

/** Small, bot-wide state: conversation references, routes, channel settings, bot-level outbox. */
export interface StoreState {
  conversations: Record<string, unknown>;
  routes: unknown[];
  settings: Record<string, unknown>;
  outbox: OutboxItem[];
  [extra: string]: unknown;
}

export type RecordListener = (record: ReferralRecord) => void;

export interface Store {
  /** Opens (creates) the data directory and loads the indexes. */
  open(): Promise<void>;
  /** Waits for writes under way and closes. */
  close(): Promise<void>;

  get(id: string): Promise<ReferralRecord | undefined>;
  has(id: string): boolean;
  /** Matching referrals, newest (by receipt) first. */
  list(filter?: ListFilter): Promise<Referral[]>;
  /** Like list(), with the whole records (the card's channel, the outbox). */
  listRecords(filter?: ListFilter): Promise<ReferralRecord[]>;
  /** The records of every open (not archived) referral, in memory: what the scheduler and sender work on. */
  openRecords(): ReferralRecord[];

  /**
   * Atomic read-modify-write of one referral plus its outbox. Calls on one id are serialized (no lost
   * update); the returned promise settles after the write is durably on disk.
   */
  update<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T>;

  /** The bot-wide state, read and changed the same way (serialized, atomic, durable). */
  readState(): StoreState;
  updateState<T>(change: (state: StoreState) => { state?: StoreState; result: T }): Promise<T>;

  /** Called after each referral write with the record as written. */
  onChange(listener: RecordListener): void;

  /** Counts for /healthz and the benchmark. */
  stats(): { open: number; archived: number };
}
