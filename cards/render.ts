// Renders cards: a template (cards/templates/*.json, loaded once) expanded with a view model's data
// by adaptivecards-templating, then cleaned of the nulls that stand for "absent".

import { createRequire } from 'node:module';
import type { FormName } from '../referrals/form-fields.js';
import type { Referral } from '../referrals/model.js';
import acceptClassic from './templates/accept-classic.json' with { type: 'json' };
import acceptInbox from './templates/accept-inbox.json' with { type: 'json' };
import addContact from './templates/add-contact.json' with { type: 'json' };
import decline from './templates/decline.json' with { type: 'json' };
import digest from './templates/digest.json' with { type: 'json' };
import editEngagement from './templates/edit-engagement.json' with { type: 'json' };
import help from './templates/help.json' with { type: 'json' };
import list from './templates/list.json' with { type: 'json' };
import lost from './templates/lost.json' with { type: 'json' };
import notice from './templates/notice.json' with { type: 'json' };
import pool from './templates/pool.json' with { type: 'json' };
import referral from './templates/referral.json' with { type: 'json' };
import routes from './templates/routes.json' with { type: 'json' };
import stats from './templates/stats.json' with { type: 'json' };
import welcome from './templates/welcome.json' with { type: 'json' };
import won from './templates/won.json' with { type: 'json' };
import type { Locale } from './i18n.js';
import { formCardData, formTemplateName, type FormOptions, type FormState } from './view-models/forms.js';
import { helpCardData, noticeCardData, routesCardData, welcomeCardData, type NoticeInput, type RouteView, type RoutesOptions } from './view-models/messages.js';
import { referralCardData, type ReferralCardOptions } from './view-models/referral.js';
import { poolCardData, type PoolCardInput } from './view-models/pool.js';
import {
  digestCardData,
  listCardData,
  statsCardData,
  type DigestCardOptions,
  type ListCardOptions,
  type StatsCardOptions,
} from './view-models/manager-views.js';
import type { DigestContent } from '../referrals/digest-content.js';
import type { ListView } from '../referrals/queue-views.js';
import type { Stats } from '../referrals/stats.js';

export const TEMPLATES = {
  referral,
  'accept-inbox': acceptInbox,
  'accept-classic': acceptClassic,
  decline,
  lost,
  won,
  'edit-engagement': editEngagement,
  'add-contact': addContact,
  welcome,
  help,
  routes,
  notice,
  list,
  stats,
  digest,
  pool,
} as const;
export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** A rendered Adaptive Card (1.5), ready for an attachment or an invoke response. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: '1.5';
  body: unknown[];
  [property: string]: unknown;
}

/** The attachment content type of Adaptive Cards. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/**
 * adaptivecards-templating, loaded untyped: its published .d.ts imports `adaptivecards/src/schema`
 * (TypeScript source that does not compile under this project's settings), so its types are
 * declared here instead.
 */
interface TemplateEngine {
  expand(context: { $root: unknown }): unknown;
}
const ACData = createRequire(import.meta.url)('adaptivecards-templating') as { Template: new (payload: unknown) => TemplateEngine };

const compiled = new Map<TemplateName, TemplateEngine>();

function template(name: TemplateName): TemplateEngine {
  let found = compiled.get(name);
  if (!found) {
    found = new ACData.Template(structuredClone(TEMPLATES[name]));
    compiled.set(name, found);
  }
  return found;
}

/** Drops null properties and null array items: view models use null for "leave this out". */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null && item !== undefined).map(prune);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== null && item !== undefined) out[key] = prune(item);
    return out;
  }
  return value;
}

/** Expands a template with data (`$root`). Exposed for tests and for cards the bot builds itself. */
export function expandTemplate(name: TemplateName, data: object): AdaptiveCardJson {
  const expanded = template(name).expand({ $root: data }) as unknown;
  return prune(expanded) as AdaptiveCardJson;
}

/** The shared referral card in its current state, in the reader's locale. */
export function renderReferralCard(ref: Referral, options: ReferralCardOptions): AdaptiveCardJson {
  return expandTemplate('referral', referralCardData(ref, options));
}

/**
 * A form as the acting user's own view. After a rejected submission pass `state.values` (the raw
 * inputs, kept in the fields) and `state.errors` (parseForm's error keys, shown under each field).
 */
export function renderForm(form: FormName, ref: Referral, options: FormOptions, state: FormState = {}): AdaptiveCardJson {
  return expandTemplate(formTemplateName(form, ref.flow), formCardData(form, ref, options, state));
}

export function renderWelcome(locale: Locale, respondWithinMs: number): AdaptiveCardJson {
  return expandTemplate('welcome', welcomeCardData(locale, respondWithinMs));
}

export function renderHelp(locale: Locale, options: { intro?: string; personal?: boolean } = {}): AdaptiveCardJson {
  return expandTemplate('help', helpCardData(locale, options));
}

export function renderRoutes(locale: Locale, routeViews: readonly RouteView[], options: RoutesOptions = {}): AdaptiveCardJson {
  return expandTemplate('routes', routesCardData(locale, routeViews, options));
}

export function renderNotice(locale: Locale, input: NoticeInput): AdaptiveCardJson {
  return expandTemplate('notice', noticeCardData(locale, input));
}

/** The `list` / `my` card: at most ten referrals, each with a Show button. */
export function renderList(locale: Locale, view: ListView, options: ListCardOptions): AdaptiveCardJson {
  return expandTemplate('list', listCardData(locale, view, options));
}

/** The `assign` card: the channel's pool and its fairness figures. */
export function renderPool(locale: Locale, input: PoolCardInput): AdaptiveCardJson {
  return expandTemplate('pool', poolCardData(locale, input));
}

/** The `stats` card. */
export function renderStats(locale: Locale, figures: Stats, options: StatsCardOptions): AdaptiveCardJson {
  return expandTemplate('stats', statsCardData(locale, figures, options));
}

/** A channel's digest: what needs attention and what changed since the last one. */
export function renderDigest(locale: Locale, content: DigestContent, options: DigestCardOptions): AdaptiveCardJson {
  return expandTemplate('digest', digestCardData(locale, content, options));
}

/** The attachment that carries a card in an activity. */
export function cardAttachment(card: AdaptiveCardJson): { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: AdaptiveCardJson } {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

export type { FormOptions, FormState } from './view-models/forms.js';
export type { NoticeInput, NoticeTone, RouteView, RoutesOptions } from './view-models/messages.js';
export type { ReferralCardOptions } from './view-models/referral.js';
export type { DigestCardOptions, ListCardOptions, StatsCardOptions, StatsPeriod } from './view-models/manager-views.js';
