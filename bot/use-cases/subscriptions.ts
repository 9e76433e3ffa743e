// Use cases on the bot-wide state: remembering where the bot is installed (idempotently: Teams and
// the playground resend install events), subscribing and unsubscribing channels, and posting the
// referrals that waited, unrouted, for a channel.

import { randomUUID } from 'node:crypto';
import type { Route } from '../../referrals/routing.js';
import type { Store, BotState } from '../../storage/store.js';
import {
  isActiveTarget,
  MAX_NOTIFIED,
  notifiedOf,
  routes,
  targets,
  type ChannelSettings,
  type ConversationTarget,
  type Person,
} from '../../storage/bot-state-reads.js';
import { outboxItem, planPost, routeFor } from '../outbox/planner.js';
import { subscribedNotices, unsubscribedNotices, type RouteChangeAuthor } from './route-notices.js';

function sameTarget(a: ConversationTarget, b: ConversationTarget): boolean {
  const { updatedAt: _a, ...restA } = a;
  const { updatedAt: _b, ...restB } = b;
  return (
    JSON.stringify(restA, Object.keys(restA).sort()) === JSON.stringify(restB, Object.keys(restB).sort()) &&
    JSON.stringify(a.reference) === JSON.stringify(b.reference)
  );
}

/**
 * Stores (or refreshes) a conversation the bot can post to. Returns true when it is new or was
 * inactive: the caller welcomes only then, so a repeated install event posts no second welcome.
 */
export async function rememberTarget(store: Store, next: ConversationTarget, now: Date, welcome: boolean): Promise<boolean> {
  return store.updateState((state) => {
    const previous = targets(state)[next.key];
    const isNew = !previous || !previous.active;
    // Every message passes here: write only when something the bot needs to post there changed.
    if (!isNew && sameTarget(previous, next)) return { result: false };
    const merged: ConversationTarget = { ...previous, ...next, active: true, updatedAt: now.toISOString() };
    delete merged.inactiveReason;
    const outbox = welcome && isNew ? [...state.outbox, outboxItem('channelMessage', next.key, { key: 'welcome' }, now)] : state.outbox;
    return { state: { ...state, conversations: { ...state.conversations, [next.key]: merged }, outbox }, result: isNew };
  });
}

/** Marks every target matching `predicate` inactive (bot removed); returns their keys. */
export async function deactivateTargets(store: Store, predicate: (target: ConversationTarget) => boolean, reason: string, now: Date): Promise<string[]> {
  return store.updateState((state) => {
    const changed: string[] = [];
    const conversations = { ...state.conversations };
    for (const target of Object.values(targets(state))) {
      if (target.active && predicate(target)) {
        conversations[target.key] = { ...target, active: false, inactiveReason: reason, updatedAt: now.toISOString() };
        changed.push(target.key);
      }
    }
    return changed.length > 0 ? { state: { ...state, conversations }, result: changed } : { result: changed };
  });
}

function sameFilters(a: Route['filters'], b: Route['filters']): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

/** Adds a route for `channel` (no duplicate for the same filters); the managers hear of a new one in the same write. */
export async function subscribe(store: Store, channel: string, filters: Route['filters'], now: Date, author: RouteChangeAuthor): Promise<Route> {
  return store.updateState((state) => {
    const existing = routes(state).find((route) => route.target === channel && sameFilters(route.filters, filters));
    if (existing) return { result: existing };
    const route: Route = { id: randomUUID(), target: channel, filters, createdAt: now.toISOString() };
    const next: BotState = { ...state, routes: [...routes(state), route] };
    const unposted = store.openRecords().filter((record) => !record.card && record.referral.status !== 'Closed');
    const notices = subscribedNotices(next, unposted, channel, filters, author, now);
    return { state: { ...next, outbox: [...next.outbox, ...notices] }, result: route };
  });
}

/** Removes every route of `channel`; returns how many there were. The managers hear of it in the same write. */
export async function unsubscribe(store: Store, channel: string, now: Date, author: RouteChangeAuthor): Promise<number> {
  return store.updateState((state) => {
    const kept = routes(state).filter((route) => route.target !== channel);
    const removed = routes(state).length - kept.length;
    if (removed === 0) return { result: 0 };
    const next: BotState = { ...state, routes: kept };
    const cardsHere = store.openRecords().filter((record) => record.card?.target === channel && record.referral.status !== 'Closed').length;
    const notices = unsubscribedNotices(next, removed, cardsHere, channel, author, now);
    return { state: { ...next, outbox: [...next.outbox, ...notices] }, result: removed };
  });
}

/** Adds people to a channel's notify list (each once), in one state write; refuses past MAX_NOTIFIED. */
export async function addNotified(store: Store, key: string, people: readonly Person[]): Promise<Person[] | 'tooMany'> {
  return store.updateState<Person[] | 'tooMany'>((state: BotState) => {
    const current = notifiedOf(state, key);
    const next = [...current];
    for (const person of people) if (!next.some((known) => known.id === person.id)) next.push({ id: person.id, name: person.name });
    if (next.length > MAX_NOTIFIED) return { result: 'tooMany' };
    const settings = state.settings as Record<string, ChannelSettings>;
    return { state: { ...state, settings: { ...settings, [key]: { ...settings[key], notify: next } } }, result: next };
  });
}

/** Takes one person off a channel's notify list (`settings notify off` from someone who is not a manager). */
export async function removeNotified(store: Store, key: string, personId: string): Promise<boolean> {
  return store.updateState((state: BotState) => {
    const current = notifiedOf(state, key);
    const next = current.filter((person) => person.id !== personId);
    if (next.length === current.length) return { result: false };
    const settings = state.settings as Record<string, ChannelSettings>;
    return { state: { ...state, settings: { ...settings, [key]: { ...settings[key], notify: next } } }, result: true };
  });
}

export async function changeSettings(store: Store, key: string, change: ChannelSettings): Promise<void> {
  await store.updateState((state: BotState) => {
    const settings = state.settings as Record<string, ChannelSettings>;
    return { state: { ...state, settings: { ...settings, [key]: { ...settings[key], ...change } } }, result: undefined };
  });
}

/** Gives every open referral that has no card yet a route and queues its post. Returns how many. */
export async function postUnrouted(store: Store, now: () => Date): Promise<number> {
  const state = store.readState();
  if (!routes(state).some((route) => isActiveTarget(state, route.target))) return 0;
  let posted = 0;
  for (const record of store.openRecords()) {
    if (record.card || record.referral.status === 'Closed') continue;
    const didPost = await store.updateDelivery(record.referral.id, (current) => {
      if (!current || current.card || current.referral.status === 'Closed') return { result: false };
      const channel = routeFor(current.referral, store.readState());
      if (!channel) return { result: false };
      const planned = planPost(channel, now());
      return { delivery: { outbox: [...current.outbox, ...planned.outbox], card: planned.card! }, result: true };
    });
    if (didPost) posted++;
  }
  return posted;
}
