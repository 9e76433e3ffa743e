// Reads of the bot-wide state (bot-state.ts): the conversations the bot can post to (channels and
// personal chats), the routes, and per-channel settings. Pure functions of the stored state.

import type { Locale } from '../referrals/locales.js';
import type { Route } from '../referrals/routing.js';
import type { BotState, ChannelSettings, ConversationTarget, Person } from './bot-state.js';

export type { ChannelSettings, ConversationTarget, Person, StoredReference } from './bot-state.js';

/** At most this many people in a channel's notify list: a reminder mentioning a crowd notifies nobody in particular. */
export const MAX_NOTIFIED = 20;

export function channelKey(conversationId: string): string {
  // A channel thread's conversation id is "<channel id>;messageid=<root id>": the channel is the part before.
  return `channel:${conversationId.split(';')[0]}`;
}

export function userKey(aadObjectId: string): string {
  return `user:${aadObjectId}`;
}

export function targets(state: BotState): Record<string, ConversationTarget> {
  return state.conversations;
}

export function target(state: BotState, key: string): ConversationTarget | undefined {
  return targets(state)[key];
}

export function routes(state: BotState): Route[] {
  return state.routes;
}

export function settingsOf(state: BotState, key: string): ChannelSettings {
  return state.settings[key] ?? {};
}

export function isActiveTarget(state: BotState, key: string): boolean {
  return target(state, key)?.active === true;
}

/** The people a channel's reminders about unanswered referrals mention (stored data: checked again). */
export function notifiedOf(state: BotState, key: string): Person[] {
  const list = settingsOf(state, key).notify;
  if (!Array.isArray(list)) return [];
  return list.filter((person): person is Person => typeof person?.id === 'string' && typeof person?.name === 'string').slice(0, MAX_NOTIFIED);
}

/** The language a conversation reads: its setting, else the service default. */
export function localeOf(state: BotState, key: string, fallback: Locale): Locale {
  return settingsOf(state, key).locale ?? fallback;
}
