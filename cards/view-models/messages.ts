// View models of the bot's message cards: welcome, help, routes, and the generic notice.

import { showAction, type ExecuteAction } from '../actions.js';
import { countryName, formatDuration, formatList, t, type Locale, type MessageKey } from '../i18n.js';
import { companySize } from '../formatters.js';
import { escapeMarkdown } from '../markdown.js';

// ---------------------------------------------------------------------------------------------
// Welcome

/** `respondWithinMs`: RESPOND_WITHIN, the time the welcome asks teams to answer in. */
export function welcomeCardData(locale: Locale, respondWithinMs: number) {
  return {
    title: t(locale, 'welcome.title'),
    text: t(locale, 'welcome.text'),
    routeHeading: t(locale, 'welcome.routeHeading'),
    routeLines: (['welcome.routeAll', 'welcome.routeFilters', 'welcome.routeMore'] as const).map((key) => ({ text: t(locale, key) })),
    respond: t(locale, 'welcome.respond', { duration: formatDuration(locale, respondWithinMs) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Help

export const HELP_COMMANDS = [
  'help',
  'subscribe',
  'unsubscribe',
  'routes',
  'settings',
  'assign',
  'away',
  'show',
  'list',
  'stats',
  'my',
  'export',
  'status',
  'connect',
] as const;

/** `personal`: asked in a personal chat, where "write to me in a personal chat" would be no advice. */
export function helpCardData(locale: Locale, options: { intro?: string; personal?: boolean } = {}) {
  const where = t(locale, options.personal ? 'help.intro.personal' : 'help.intro');
  return {
    title: t(locale, 'help.title'),
    intro: options.intro ? `${options.intro} ${where}` : where,
    commands: HELP_COMMANDS.map((command) => ({
      command: t(locale, `help.cmd.${command}`),
      description: t(locale, `help.desc.${command}`),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Routes

/** A route's filters; each list matches any of its values, and all given lists must match. */
export interface RouteFilters {
  country?: readonly string[];
  region?: readonly string[];
  size?: readonly string[];
  keyword?: readonly string[];
}

/** One row of the routes card: the bot's route, as plain display data (escaped here). */
export interface RouteView {
  /** The channel's display name, e.g. "Sales › Referrals DACH". */
  channel: string;
  filters?: RouteFilters;
  /** The default route (first subscribed channel): takes what no other route matches. */
  isDefault?: boolean;
}

export interface RoutesOptions {
  /** Referrals waiting for a channel (no route at all yet). */
  unrouted?: number;
}

const FILTER_KEYS: Record<keyof RouteFilters, MessageKey> = {
  country: 'filter.country',
  region: 'filter.region',
  size: 'filter.size',
  keyword: 'filter.keyword',
};

/**
 * Filters in words: "the country is Germany, Austria or Switzerland and the company size is …".
 * '' when there are none (the route takes everything).
 */
export function describeFilters(locale: Locale, filters: RouteFilters | undefined): string {
  if (!filters) return '';
  const parts: string[] = [];
  for (const key of Object.keys(FILTER_KEYS) as (keyof RouteFilters)[]) {
    const values = (filters[key] ?? []).filter((value) => value.trim() !== '');
    if (values.length === 0) continue;
    const shown = values.map((value) => {
      if (key === 'country') return countryName(locale, value);
      if (key === 'size') return companySize(locale, value) ?? escapeMarkdown(value);
      if (key === 'keyword') return `“${escapeMarkdown(value)}”`;
      return escapeMarkdown(value);
    });
    parts.push(t(locale, FILTER_KEYS[key], { values: formatList(locale, shown, 'disjunction') }));
  }
  return parts.length === 0 ? '' : formatList(locale, parts, 'conjunction');
}

export function routesCardData(locale: Locale, routes: readonly RouteView[], options: RoutesOptions = {}) {
  const unrouted = options.unrouted ?? 0;
  return {
    title: t(locale, 'routes.title'),
    empty: routes.length === 0,
    emptyText: t(locale, 'routes.empty'),
    header: { filters: t(locale, 'routes.filters'), channel: t(locale, 'routes.channel') },
    rows: routes.map((route) => ({
      filters: describeFilters(locale, route.filters) || t(locale, 'routes.all'),
      channel: route.isDefault ? t(locale, 'routes.default', { channel: escapeMarkdown(route.channel) }) : escapeMarkdown(route.channel),
    })),
    showUnrouted: unrouted > 0,
    unrouted: t(locale, 'routes.unrouted', { count: unrouted }),
    note: t(locale, 'routes.note'),
  };
}

// ---------------------------------------------------------------------------------------------
// Notice

export type NoticeTone = 'default' | 'good' | 'warning' | 'attention' | 'accent';

export interface NoticeInput {
  /** Already in the reader's words (use t()). */
  title?: string;
  text: string;
  /** Adds a "Show referral" button (verb `show`). */
  referralId?: string;
  tone?: NoticeTone;
}

const CONTAINER_STYLE: Record<NoticeTone, string> = {
  default: 'default',
  good: 'good',
  warning: 'warning',
  attention: 'attention',
  accent: 'accent',
};

export function noticeCardData(locale: Locale, input: NoticeInput) {
  const tone = input.tone ?? 'default';
  const action: ExecuteAction | null = input.referralId ? showAction(input.referralId, t(locale, 'action.showReferral')) : null;
  return {
    title: input.title ?? '',
    text: input.text,
    style: CONTAINER_STYLE[tone],
    color: tone === 'accent' || tone === 'default' ? 'default' : tone,
    hasAction: action !== null,
    action,
  };
}
