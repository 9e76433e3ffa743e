// Routing rules: which channel an RFI goes to. Each route is a channel subscription with optional
// filters (country, region, company size, keyword); the most specific matching route wins, ties go
// to the oldest; with no match, the first subscribed channel takes it.

import { REQUIREMENT_LISTS, type Referral } from './model.js';
import { requirementTags, tagWords } from './tags.js';

export const ROUTE_FILTERS = ['country', 'region', 'size', 'keyword'] as const;
export type RouteFilter = (typeof ROUTE_FILTERS)[number];

export interface Route {
  id: string;
  /** The channel's conversation key. */
  target: string;
  /** Filter → accepted values (any of them). Empty: takes every RFI. */
  filters: Partial<Record<RouteFilter, string[]>>;
  createdAt: string;
}

export type RouteParse = { ok: true; filters: Route['filters'] } | { ok: false; badToken: string };

/** Parses `country=DE,AT region=EMEA size=... keyword=azure,sql` (the words after "subscribe"). */
export function parseRouteFilters(words: readonly string[]): RouteParse {
  const filters: Route['filters'] = {};
  for (const word of words) {
    const match = /^([a-z]+)=(.+)$/i.exec(word);
    const name = match?.[1]?.toLowerCase() as RouteFilter | undefined;
    if (!match || !name || !(ROUTE_FILTERS as readonly string[]).includes(name)) return { ok: false, badToken: word };
    const values = match[2]!
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    if (values.length === 0) return { ok: false, badToken: word };
    filters[name] = [...(filters[name] ?? []), ...(name === 'country' ? values.map((value) => value.toUpperCase()) : values)];
  }
  return { ok: true, filters };
}

function norm(value: string): string {
  return value.trim().toLowerCase();
}

function keywordText(referral: Referral): string {
  // A rule's keyword may name a requirement by its words ("Azure SQL") or by Partner Center's id ("AzureSQLDatabase").
  const words = REQUIREMENT_LISTS.flatMap((list) => requirementTags(referral, list)).flatMap((tag) => [tagWords(tag), tag.id ?? '']);
  return [referral.details.notes ?? '', ...words].join('\n').toLowerCase();
}

function matches(route: Route, referral: Referral): boolean {
  const address = referral.customerProfile.address ?? {};
  for (const [name, values] of Object.entries(route.filters) as Array<[RouteFilter, string[]]>) {
    if (values.length === 0) continue;
    const wanted = values.map(norm);
    const ok =
      name === 'country'
        ? wanted.includes(norm(address.country ?? ''))
        : name === 'region'
          ? wanted.includes(norm(address.region ?? ''))
          : name === 'size'
            ? wanted.includes(norm(referral.customerProfile.size ?? ''))
            : wanted.some((keyword) => keywordText(referral).includes(keyword));
    if (!ok) return false;
  }
  return true;
}

function specificity(route: Route): number {
  return Object.values(route.filters).filter((values) => values && values.length > 0).length;
}

function oldestFirst(a: Route, b: Route): number {
  return Date.parse(a.createdAt) - Date.parse(b.createdAt);
}

/**
 * The route an RFI goes to, among routes whose channel is active. Undefined: no channel at all
 * (the RFI waits, unrouted, until one subscribes).
 */
export function chooseRoute(referral: Referral, routes: readonly Route[], isActive: (target: string) => boolean): Route | undefined {
  const live = routes.filter((route) => isActive(route.target)).sort(oldestFirst);
  const matching = live.filter((route) => matches(route, referral));
  if (matching.length > 0) {
    const best = Math.max(...matching.map(specificity));
    return matching.find((route) => specificity(route) === best);
  }
  return live[0];
}
