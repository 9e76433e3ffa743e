// The bot-wide state (docs/architecture.md#storage): conversations the bot can post to, routes,
// channel settings, the bot-level outbox, the digest's progress and the Partner Center link. One
// type, one default and one reader used by both stores, so stored data is checked the same way
// wherever it comes from.

import { z } from 'zod';
import type { Locale } from '../referrals/locales.js';
import type { Route } from '../referrals/routing.js';
import type { Away, Pool } from '../referrals/assignment.js';
import type { NextAssignee } from '../referrals/commands.js';
import type { OutboxItem } from './store.js';

/** A serializable conversation reference: what continueConversationAsync needs. */
export interface StoredReference {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; tenantId?: string; conversationType?: string; isGroup?: boolean; name?: string };
  bot: { id: string; name?: string };
  user?: { id: string; name?: string; aadObjectId?: string };
}

export interface ConversationTarget {
  /** `channel:<channel conversation id>` or `user:<AAD object id>`. */
  key: string;
  kind: 'channel' | 'personal';
  reference: StoredReference;
  tenantId?: string;
  teamId?: string;
  teamName?: string;
  channelName?: string;
  userName?: string;
  aadObjectId?: string;
  /** False once the bot was removed (or a send said it is not in the conversation any more). */
  active: boolean;
  inactiveReason?: string;
  updatedAt: string;
}

/** Someone to @mention: a Teams user id (as in a mention entity, or an AAD object id) and a display name. */
export interface Person {
  id: string;
  name: string;
}

export interface ChannelSettings {
  locale?: Locale;
  /** Who reminders about this channel's unanswered referrals @mention (`settings notify`). */
  notify?: Person[];
}

/** The digest's progress (bot/timers/digest.ts). */
export interface DigestState {
  /** The last slot handled (ISO), posted or not. */
  lastSlot?: string;
  /** Per channel: the attention fingerprint it was last told, and at which slot. */
  channels?: Record<string, { attention: string[]; slot: string }>;
}

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

/** The bot-wide Partner Center state (bot/partner-center/link-state.ts). */
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

/** A channel's assignment pool with its rotation counters (smooth weighted round robin). */
export interface StoredPool extends Pool {
  rotation: Record<string, number>;
}

/**
 * Assignment pools (bot/use-cases/assignment.ts). `picks` keeps each choice made, by
 * `referralId#round`, so a move retried after a crash or by another instance gets the same person
 * and the rotation advances once per assignment.
 */
export interface AssignmentState {
  pools: Record<string, StoredPool>;
  away: Record<string, Away>;
  picks: Record<string, { next: NextAssignee; at: string }>;
}

/** Everything bot-wide, stored as one unit (state.json, or the bot_state row). */
export interface BotState {
  conversations: Record<string, ConversationTarget>;
  routes: Route[];
  settings: Record<string, ChannelSettings>;
  outbox: OutboxItem[];
  digest: DigestState;
  partnerCenter: LinkState;
  assignment: AssignmentState;
}

export function defaultBotState(): BotState {
  return { conversations: {}, routes: [], settings: {}, outbox: [], digest: {}, partnerCenter: { inbox: [] }, assignment: emptyAssignment() };
}

const object = z.record(z.string(), z.unknown());

function emptyAssignment(): AssignmentState {
  return { pools: {}, away: {}, picks: {} };
}

/**
 * The parts every reader relies on are checked (a damaged state is refused, never half-used); the
 * parts a newer version added are filled in, Partner Center's inbox keeps only well-formed events,
 * and keys this version does not know are kept for the version that wrote them.
 */
const botStateSchema = z.looseObject({
  conversations: object,
  routes: z.array(z.unknown()),
  settings: object.default({}),
  outbox: z.array(z.unknown()).default([]),
  digest: object.catch({}).default({}),
  partnerCenter: z
    .looseObject({
      inbox: z.array(z.unknown()).catch([]).default([]),
      pollMode: z.enum(['changes', 'openWork']).optional().catch(undefined),
    })
    .catch({ inbox: [] })
    .default({ inbox: [] }),
  assignment: z
    .looseObject({ pools: object.catch({}).default({}), away: object.catch({}).default({}), picks: object.catch({}).default({}) })
    .catch(() => ({ pools: {}, away: {}, picks: {} }))
    .default(() => ({ pools: {}, away: {}, picks: {} })),
});

/** Reads stored bot-wide state: throws, naming `where` and the key, when a part every reader relies on is damaged. */
export function readBotState(value: unknown, where: string): BotState {
  const parsed = botStateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.length > 0 ? `state.${issue.path.join('.')}` : 'the state';
    const expected = issue.code === 'invalid_type' ? `is not ${issue.expected === 'array' ? 'an array' : 'an object'}` : issue.message;
    throw new Error(`${where}: ${key} ${expected}`);
  }
  const state = parsed.data;
  const inbox = state.partnerCenter.inbox.filter((event): event is InboxEvent => typeof (event as Partial<InboxEvent> | null)?.referralId === 'string');
  const { pollMode, ...link } = state.partnerCenter;
  return {
    ...(state as unknown as BotState),
    partnerCenter: { ...(link as unknown as LinkState), inbox, ...(pollMode && { pollMode }) },
  };
}
