// Typed views of the bot-wide state kept in the store (StoreState): the conversations the bot can
// post to (channels and personal chats), the routes, and per-channel settings.

import type { Locale } from '../../cards/i18n.js';
import type { Route } from '../../referrals/routing.js';
import type { StoreState } from '../../storage/store.js';

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

/** At most this many people in a channel's notify list: a reminder mentioning a crowd notifies nobody in particular. */
export const MAX_NOTIFIED = 20;

export function channelKey(conversationId: string): string {
  // A channel thread's conversation id is "<channel id>;messageid=<root id>": the channel is the part before.
  return `channel:${conversationId.split(';')[0]}`;
}

export function userKey(aadObjectId: string): string {
  return `user:${aadObjectId}`;
}

export function targets(state: StoreState): Record<string, ConversationTarget> {
  return state.conversations as Record<string, ConversationTarget>;
}

export function target(state: StoreState, key: string): ConversationTarget | undefined {
  return targets(state)[key];
}

export function routes(state: StoreState): Route[] {
  return state.routes as Route[];
}

export function settingsOf(state: StoreState, key: string): ChannelSettings {
  return ((state.settings as Record<string, ChannelSettings>)[key] ?? {}) as ChannelSettings;
}

export function isActiveTarget(state: StoreState, key: string): boolean {
  return target(state, key)?.active === true;
}

/** The people a channel's reminders about unanswered referrals mention (stored data: checked again). */
export function notifiedOf(state: StoreState, key: string): Person[] {
  const list = settingsOf(state, key).notify;
  if (!Array.isArray(list)) return [];
  return list.filter((person): person is Person => typeof person?.id === 'string' && typeof person?.name === 'string').slice(0, MAX_NOTIFIED);
}

/** The language a conversation reads: its setting, else the service default. */
export function localeOf(state: StoreState, key: string, fallback: Locale): Locale {
  return settingsOf(state, key).locale ?? fallback;
}
