// What a person reads on the page, per locale: the bot's own strings (cards/locales/*.json, the one
// source of every button title and message) and the number / date formats the cards use
// (en-GB and ru-RU, dates in UTC: see cards/i18n.ts). Everything is compared with whitespace
// collapsed, because Russian numbers use no-break spaces ("75 000").

import { readFileSync } from 'node:fs';
import path from 'node:path';
import en from '../../../cards/locales/en.json' with { type: 'json' };
import ru from '../../../cards/locales/ru.json' with { type: 'json' };
import { PLAYGROUND_CONFIG } from './processes.js';

export type Locale = 'en' | 'ru';
export type Key = keyof typeof en;

const CATALOGS: Record<Locale, Record<string, string>> = { en, ru };
const BCP47: Record<Locale, string> = { en: 'en-GB', ru: 'ru-RU' };

/** Collapses every run of whitespace (also no-break and narrow no-break spaces) into one space. */
export function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A message with `{name}` placeholders filled, runs of whitespace collapsed (not trimmed: " ({notes})" keeps its space). */
export function text(locale: Locale, key: Key, params: Record<string, string | number> = {}): string {
  const template = CATALOGS[locale][key];
  if (template === undefined) throw new Error(`cards/locales/${locale}.json has no "${key}"`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole)).replace(/\s+/g, ' ');
}

/** The fixed start of a message, up to its first placeholder (for messages with a value we do not predict). */
export function prefix(locale: Locale, key: Key): string {
  const template = CATALOGS[locale][key];
  if (template === undefined) throw new Error(`cards/locales/${locale}.json has no "${key}"`);
  return normalize(template.split('{')[0]!);
}

/** "EUR 75,000" / "EUR 75 000". */
export function money(locale: Locale, value: number, currency: string): string {
  return normalize(`${currency} ${new Intl.NumberFormat(BCP47[locale], { maximumFractionDigits: 2 }).format(value)}`);
}

/** A close date as the card shows it: "15 Dec 2026" / "15 дек. 2026 г.". */
export function dateOnly(locale: Locale, date: CalendarDate): string {
  return normalize(new Intl.DateTimeFormat(BCP47[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(date.year, date.month - 1, date.day)));
}

/**
 * How a moment reads on a card ("2 Dec 2026, 14:05 UTC" / "2 дек. 2026 г., 14:05 UTC"): written by
 * the bot in the card's language (the playground would format {{DATE()}} in the browser's).
 */
export const MOMENT: Record<Locale, RegExp> = {
  en: /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec) \d{4}, \d\d:\d\d UTC\b/,
  ru: /\d{1,2} (янв|февр|мар|апр|мая|июн|июл|авг|сент|окт|нояб|дек)\. \d{4} г\., \d\d:\d\d UTC\b/,
};

/** A day on the calendar (month 1–12). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Today plus `days` (negative: in the past), by the UTC calendar. */
export function daysFromToday(days: number): CalendarDate {
  const at = new Date(Date.now() + days * 86_400_000);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
}

export const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A label as a RegExp that matches it at the start, so "Engagement name" also finds "Engagement name *". */
export function labelled(label: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(label)}`);
}

/** The current user of the playground tenant (the `currentUser` of .m365agentsplayground.yml). */
export function currentUserName(): string {
  const config = readFileSync(PLAYGROUND_CONFIG, 'utf8');
  const match = /^currentUser:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(.+)$/m.exec(config);
  if (!match) throw new Error(`no currentUser name in ${path.basename(PLAYGROUND_CONFIG)}`);
  return match[1]!.trim().replace(/^["']|["']$/g, '');
}

/** The bot's display name in the playground tenant (`bot.name` of .m365agentsplayground.yml). */
export function botName(): string {
  const config = readFileSync(PLAYGROUND_CONFIG, 'utf8');
  const match = /^bot:\s*\n(?:[ \t]+.*\n)*?[ \t]+name:\s*(.+)$/m.exec(config);
  if (!match) throw new Error(`no bot name in ${path.basename(PLAYGROUND_CONFIG)}`);
  return match[1]!.trim().replace(/^["']|["']$/g, '');
}
