// The managers' notice of a route change (docs/architecture.md#who-may-do-what): who changed which
// channel's routes, with which filters, and what it does to open referrals. Queued in the same
// state write as the change, so a crash cannot make a change nobody hears of.

import type { Route } from '../../referrals/routing.js';
import type { OutboxItem, RouteChangeNotice, BotState } from '../../storage/store.js';
import { managerNotices, routeFor } from '../outbox/planner.js';
import { targetName } from '../outbox/status.js';
import { isActiveTarget, routes } from '../../storage/bot-state-reads.js';

/** Who made the change, and who hears of it. */
export interface RouteChangeAuthor {
  name: string;
  managerIds: readonly string[];
}

function noticesTo(state: BotState, author: RouteChangeAuthor, params: RouteChangeNotice, now: Date): OutboxItem[] {
  return managerNotices(state, author.managerIds, { key: 'notice.routeChanged', params }, now);
}

/** After `channel` gained a route: the open referrals without a card that it now takes. */
export function subscribedNotices(
  state: BotState,
  unposted: readonly { referral: Parameters<typeof routeFor>[0] }[],
  channel: string,
  filters: Route['filters'],
  author: RouteChangeAuthor,
  now: Date,
): OutboxItem[] {
  const waiting = unposted.filter((record) => routeFor(record.referral, state) === channel).length;
  return noticesTo(state, author, { change: 'subscribed', by: author.name, channel: targetName(state, channel), filters, waiting }, now);
}

/** After `channel` lost `removed` routes: its open cards stay; whether new referrals still have somewhere to go. */
export function unsubscribedNotices(state: BotState, removed: number, cardsHere: number, channel: string, author: RouteChangeAuthor, now: Date): OutboxItem[] {
  const anyRouteLeft = routes(state).some((route) => isActiveTarget(state, route.target));
  return noticesTo(
    state,
    author,
    { change: 'unsubscribed', by: author.name, channel: targetName(state, channel), routes: removed, cardsHere, anyRouteLeft },
    now,
  );
}
