// Strings per locale (cards/locales/*.json, flat keys, `{name}` placeholders) and the locale-aware
// formatting that cards and bot messages share. Every user-visible word comes from here.

import countries from 'i18n-iso-countries';
import countriesEn from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import countriesRu from 'i18n-iso-countries/langs/ru.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import ru from './locales/ru.json' with { type: 'json' };

import { LOCALES, type Locale } from '../referrals/locales.js';

export { LOCALES, type Locale };
export const DEFAULT_LOCALE: Locale = 'en';

/** A key of the locale files (en.json is the reference; ru.json has the same keys, a test checks). */
export type MessageKey = keyof typeof en;
export type MessageParams = Readonly<Record<string, string | number>>;

const CATALOGS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = { en, ru };

countries.registerLocale(countriesEn);
countries.registerLocale(countriesRu);

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** A BCP 47 tag (`ru-RU`, `en-US`, `RU`) → a supported Locale, else `fallback`. */
export function resolveLocale(tag: string | null | undefined, fallback: Locale = DEFAULT_LOCALE): Locale {
  const language = typeof tag === 'string' ? tag.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  return isLocale(language) ? language : fallback;
}

/** Whether `key` names a message (for keys that arrive as plain strings, e.g. form error keys). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** All messages of a locale (for tests and tooling). */
export function catalog(locale: Locale): Readonly<Record<string, string>> {
  return CATALOGS[locale];
}

function interpolate(template: string, params: MessageParams | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * The message `key` in `locale` with `{name}` placeholders filled from `params`. Falls back to
 * English, then to the key itself (never throws: a missing string must not break a card).
 */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = CATALOGS[locale]?.[key] ?? CATALOGS[DEFAULT_LOCALE][key] ?? key;
  return interpolate(template, params);
}

/** Like t() for keys that arrive as strings (e.g. FormErrorKey); an unknown key falls back to `fallback`. */
export function tKey(locale: Locale, key: string, params?: MessageParams, fallback: MessageKey = 'form.error.invalid'): string {
  return t(locale, hasMessage(key) ? key : fallback, params);
}

// ---------------------------------------------------------------------------------------------
// Formatting

const BCP47: Record<Locale, string> = { en: 'en-GB', ru: 'ru-RU' };

/**
 * A date-only value (a close date, stored at UTC midnight) in the reader's words: "31 Dec 2026",
 * "31 дек. 2026 г.". Formatted in UTC on purpose, whatever the display zone: a whole day shown in
 * a zone west of Greenwich would become the day before.
 */
export function formatDate(locale: Locale, iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(BCP47[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
}

/** A day as a short label ("24 Nov", "24 нояб."), in UTC: chart rows. */
export function formatShortDate(locale: Locale, iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(BCP47[locale], { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(ms);
}

/**
 * A moment in the reader's words, in `timeZone` (DISPLAY_TIME_ZONE, cards/display.ts) and named so:
 * "21 Nov 2026, 10:00 UTC", "21 нояб. 2026 г., 11:00 GMT+1". The date part is formatDate()'s, so
 * one card reads one style. Cards are rendered by the bot, not with Teams' {{DATE()}}: the client
 * would format them in its own language, so a Russian card read in an English client showed
 * English dates beside Russian close dates.
 */
export function formatDateTime(locale: Locale, iso: string, timeZone = 'UTC'): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(BCP47[locale], {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(ms);
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(BCP47[locale], { maximumFractionDigits: 2 }).format(value);
}

/** A money amount as "USD 50,000" / "USD 50 000": the ISO code, then the number in the reader's style. */
/** "EUR 24,000", the code and the amount held together by a no-break space: a narrow cell never splits them. */
export function formatMoney(locale: Locale, value: number, currency: string): string {
  return `${currency}\u00a0${formatNumber(locale, value)}`;
}

/** "USD — US Dollar" for a currency choice. */
export function currencyTitle(locale: Locale, code: string): string {
  try {
    const name = new Intl.DisplayNames([BCP47[locale]], { type: 'currency' }).of(code);
    return name && name !== code ? `${code} — ${name}` : code;
  } catch {
    return code;
  }
}

/** An ISO 3166-1 alpha-2 code → the country's name in the locale; unknown codes come back as given. */
export function countryName(locale: Locale, code: string): string {
  return countries.getName(code.toUpperCase(), locale, { select: 'alias' }) ?? countries.getName(code.toUpperCase(), locale) ?? code;
}

/** Items joined the locale's way: "a, b and c" / "a, b или c". */
export function formatList(locale: Locale, items: readonly string[], type: 'conjunction' | 'disjunction' | 'unit' = 'unit'): string {
  return new Intl.ListFormat(BCP47[locale], { style: 'long', type }).format(items);
}

/**
 * A duration in the reader's words, rounded to what matters: "45 min", "3 h 20 min", "2 d 4 h"
 * (minutes under a day, hours from a day on; a zero part is left out).
 */
export function formatDuration(locale: Locale, ms: number): string {
  const minutes = Math.round(Math.max(0, ms) / 60_000);
  const part = (key: 'duration.days' | 'duration.hours' | 'duration.minutes' | 'duration.seconds', count: number) =>
    t(locale, key, { count: formatNumber(locale, count) });
  if (ms < 60_000) return part('duration.seconds', Math.round(Math.max(0, ms) / 1000));
  // Up to 72 h in hours, as Partner Center words its deadlines ("24 hours", "72 hours"), then days.
  if (minutes > 72 * 60) {
    const hours = Math.round(ms / 3_600_000);
    const days = Math.floor(hours / 24);
    return hours % 24 === 0 ? part('duration.days', days) : `${part('duration.days', days)} ${part('duration.hours', hours % 24)}`;
  }
  if (minutes >= 60) {
    return minutes % 60 === 0
      ? part('duration.hours', minutes / 60)
      : `${part('duration.hours', Math.floor(minutes / 60))} ${part('duration.minutes', minutes % 60)}`;
  }
  return part('duration.minutes', minutes);
}

/** A share (0…1) as a whole percentage in the reader's style: "67%", "67 %". */
export function formatPercent(locale: Locale, share: number): string {
  return new Intl.NumberFormat(BCP47[locale], { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
