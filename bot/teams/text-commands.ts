// Text commands, in a channel (with an @mention) or in personal chat: help, subscribe,
// unsubscribe, routes, settings, show. Each answers the person directly (not through the outbox:
// it is a reply to their message, not something the bot says on its own). Routing and a channel's
// settings are the managers' (docs/architecture.md#who-may-do-what); anyone may add or remove
// themselves from a channel's reminders.

import {
  describeFilters,
  escapeMarkdown,
  isLocale,
  renderHelp,
  renderReferralCard,
  renderRoutes,
  t,
  type AdaptiveCardJson,
  type Locale,
  type RouteView,
} from '../../cards/index.js';
import type { Actor } from '../../referrals/model.js';
import { parseRouteFilters } from '../../referrals/routing.js';
import { MAX_NOTIFIED, notifiedOf, routes, targets, type ConversationTarget, type Person } from '../../storage/bot-state-reads.js';
import type { Store } from '../../storage/store.js';
import { mayViewRecord } from './manager-commands.js';
import { addNotified, changeSettings, postUnrouted, removeNotified, subscribe, unsubscribe } from '../use-cases/subscriptions.js';
import type { CommandDeps } from '../use-cases/apply-command.js';

/** A text, an Adaptive Card, or another attachment (the file consent card of `export`). */
export type Reply = { text: string } | { card: AdaptiveCardJson } | { attachment: { contentType: string; name?: string; content: unknown } };

export interface TextCommandContext {
  /** Where the message came from: a channel (routes belong there) or a personal / group chat. */
  scope: 'channel' | 'personal' | 'groupChat';
  /** The conversation target of that place (already remembered by the caller). */
  targetKey: string;
  locale: Locale;
  isManager: boolean;
  /** Who wrote the message (AAD object id, display name): for commands about "my" referrals. */
  actor?: Actor;
  /** The people @mentioned in the message, the bot left out (`settings notify @name`). */
  mentioned?: Person[];
  /** The writer as a mention names them (their Teams user id), so "me" and "@me" are one person. */
  writer?: Person;
  /**
   * Looks the mentioned people up in the team's roster (their AAD object ids, which card actions
   * carry) and opens a personal chat with each who has none, so the bot can write to them first.
   */
  resolvePeople?: (people: readonly Person[]) => Promise<ResolvedPerson[]>;
}

/** A mentioned person with their AAD object id, when the roster gave it. */
export type ResolvedPerson = Person & { aadObjectId?: string };

/** An extra command: the context and the words after the command's name. */
export type ExtraCommand = (context: TextCommandContext, args: string[]) => Promise<Reply[]>;

export interface TextCommandDeps {
  commands: CommandDeps;
  /** MANAGER_IDS: who hears of a route change. */
  managerIds: readonly string[];
  /** Extra commands (e.g. the managers' `status`), by name. */
  extra?: Record<string, ExtraCommand>;
}

/** The first word, lower-cased, and the rest, from a message with the bot's mention already removed. */
export function splitCommand(text: string): { name: string; args: string[] } {
  const words = text
    .replace(/\u00a0/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return { name: (words[0] ?? '').toLowerCase(), args: words.slice(1) };
}

function channelName(target: ConversationTarget | undefined): string {
  if (!target) return '?';
  return [target.teamName, target.channelName].filter(Boolean).join(' › ') || target.reference.conversation.name || target.key;
}

function routeViews(deps: TextCommandDeps): RouteView[] {
  const state = deps.commands.store.readState();
  const all = targets(state);
  const live = routes(state)
    .filter((route) => all[route.target]?.active)
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return live.map((route, index) => ({ channel: channelName(all[route.target]), filters: route.filters, isDefault: index === 0 }));
}

function namesOf(people: readonly Person[]): string {
  return people.map((person) => escapeMarkdown(person.name)).join(', ');
}

/** `settings notify me | @name … | off`: who this channel's reminders about unanswered referrals mention. */
async function settingsNotify(store: Store, args: string[], context: TextCommandContext): Promise<Reply[]> {
  const { locale } = context;
  if (context.scope !== 'channel') return [{ text: t(locale, 'command.notifyChannelOnly') }];
  const word = args[0]?.toLowerCase();
  if (word === 'off') {
    if (!context.isManager) {
      // Someone who is not a manager turns off only their own mentions.
      if (context.writer) await removeNotified(store, context.targetKey, context.writer.id);
      return [{ text: t(locale, 'command.notifyRemovedYou') }];
    }
    await changeSettings(store, context.targetKey, { notify: [] });
    return [{ text: t(locale, 'command.notifyOff') }];
  }
  const adding = word === 'me' ? (context.writer ? [context.writer] : []) : (context.mentioned ?? []);
  if (adding.length === 0) return [{ text: t(locale, 'command.settingsUsage') }];
  if (!context.isManager && adding.some((person) => person.id !== context.writer?.id)) return [{ text: t(locale, 'command.managersOnly.notify') }];
  const next = await addNotified(store, context.targetKey, adding);
  if (next === 'tooMany') return [{ text: t(locale, 'command.notifyTooMany', { max: MAX_NOTIFIED }) }];
  return [{ text: t(locale, 'command.notifyAdded', { names: namesOf(next) }) }];
}

export async function runTextCommand(deps: TextCommandDeps, text: string, context: TextCommandContext): Promise<Reply[]> {
  const { name, args } = splitCommand(text);
  const { locale } = context;
  const store = deps.commands.store;
  const channelOnly = (): Reply[] => [{ text: t(locale, 'command.channelOnly') }];
  const managersOnly = (what: 'routing' | 'routes' | 'locale'): Reply[] => [{ text: t(locale, `command.managersOnly.${what}`) }];
  const author = { name: context.actor?.name ?? '?', managerIds: deps.managerIds };

  switch (name) {
    case 'help':
      return [{ card: renderHelp(locale, { personal: context.scope === 'personal' }) }];
    case 'subscribe': {
      if (!context.isManager) return managersOnly('routing');
      if (context.scope !== 'channel') return channelOnly();
      const parsed = parseRouteFilters(args);
      if (!parsed.ok) return [{ text: t(locale, 'command.badFilter', { token: escapeMarkdown(parsed.badToken) }) }];
      await subscribe(store, context.targetKey, parsed.filters, deps.commands.clock(), author);
      // The only route takes every referral, whatever its filters say about "more specific" ones.
      const onlyRoute = routeViews(deps).length === 1;
      const replies: Reply[] = [
        {
          text:
            Object.keys(parsed.filters).length === 0
              ? t(locale, onlyRoute ? 'command.subscribedOnly' : 'command.subscribedAll')
              : t(locale, 'command.subscribed', { filters: describeFilters(locale, parsed.filters) }),
        },
      ];
      const posted = await postUnrouted(store, deps.commands.clock);
      if (posted > 0) replies.push({ text: t(locale, 'command.unroutedPosted', { count: posted }) });
      return replies;
    }
    case 'unsubscribe': {
      if (!context.isManager) return managersOnly('routing');
      if (context.scope !== 'channel') return channelOnly();
      const removed = await unsubscribe(store, context.targetKey, deps.commands.clock(), author);
      return [{ text: t(locale, removed > 0 ? 'command.unsubscribed' : 'command.notSubscribed') }];
    }
    case 'routes': {
      if (!context.isManager) return managersOnly('routes');
      const views = routeViews(deps);
      const unrouted = store.openRecords().filter((record) => !record.card && record.referral.status !== 'Closed').length;
      return [{ card: renderRoutes(locale, views, { unrouted }) }];
    }
    case 'settings': {
      if (args.length === 0) {
        const notified = notifiedOf(store.readState(), context.targetKey);
        const notify = notified.length > 0 ? namesOf(notified) : t(locale, 'command.notifyNobody');
        return [{ text: t(locale, 'command.settingsShown', { language: t(locale, `language.${locale}`), notify }) }];
      }
      if (args[0]?.toLowerCase() === 'notify') return settingsNotify(store, args.slice(1), context);
      const value = args[1]?.toLowerCase();
      if (args[0]?.toLowerCase() !== 'locale' || !isLocale(value)) return [{ text: t(locale, 'command.settingsUsage') }];
      if (!context.isManager) return managersOnly('locale');
      await changeSettings(store, context.targetKey, { locale: value });
      return [{ text: t(value, 'command.settingsChanged', { language: t(value, `language.${value}`) }) }];
    }
    case 'show': {
      const id = args.join(' ');
      if (!id) return [{ text: t(locale, 'command.showUsage') }];
      const record = await store.get(id);
      // The same visibility as `list`: a card shows customer contacts, so not every chat may see every referral.
      if (!record || !mayViewRecord(record, context)) return [{ text: t(locale, 'command.referralNotFound', { id: escapeMarkdown(id) }) }];
      return [
        { card: renderReferralCard(record.referral, { locale, now: deps.commands.clock(), policy: deps.commands.policy, display: deps.commands.display }) },
      ];
    }
    default: {
      const extra = deps.extra?.[name];
      if (extra) return extra(context, args);
      const personal = context.scope === 'personal';
      return [{ card: renderHelp(locale, name === '' ? { personal } : { intro: t(locale, 'command.unknownCommand'), personal }) }];
    }
  }
}
