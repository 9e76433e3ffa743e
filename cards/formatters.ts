// How a referral's pieces read in a locale: names, contact lines, company size, location,
// requirement lists, money, status. Shared by every card and message view model. Everything
// here is card text, so outside text comes back markdown-escaped (cards/markdown.ts).

import type { Contact, Referral, RequirementList } from '../referrals/model.js';
import { requirementTags, tagWords } from '../referrals/tags.js';
import { CARD_LIMITS, clip, firstOf } from './card-budget.js';
import { countryName, formatMoney, hasMessage, t, type Locale } from './i18n.js';
import { emailLink, escapeMarkdown, phoneLink } from './markdown.js';

function present(part: unknown): part is string {
  return typeof part === 'string' && part.trim() !== '';
}

export function contactName(contact: Contact): string {
  return escapeMarkdown(
    [contact.firstName, contact.lastName]
      .filter(present)
      .map((name) => clip(name, CARD_LIMITS.name))
      .join(' '),
  );
}

/** "Chris Customer · chris@contoso.example · +49 30 123456" (only the parts present; e-mail and phone as mailto: / tel: links). */
export function contactLine(locale: Locale, contact: Contact): string {
  const parts = [
    contactName(contact),
    ...(present(contact.email) ? [emailLink(contact.email)] : []),
    ...(present(contact.phoneNumber) ? [phoneLink(contact.phoneNumber)] : []),
  ].filter(present);
  if (present(contact.contactPreference)) {
    const key = `contactPreference.${contact.contactPreference.trim().toLowerCase()}`;
    const preference = hasMessage(key) ? t(locale, key) : escapeMarkdown(contact.contactPreference);
    parts.push(t(locale, 'card.contactPreference', { preference }));
  }
  return parts.join(' · ');
}

/** A contact list's lines: the first few (CARD_LIMITS), and "+N more" when there are more. */
export function peopleLines(locale: Locale, contacts: readonly Contact[]): string[] {
  const lines = contacts.map((contact) => contactLine(locale, contact)).filter((line) => line !== '');
  const { shown, more } = firstOf(lines, CARD_LIMITS.people);
  return more > 0 ? [...shown, t(locale, 'card.andMore', { count: more })] : shown;
}

/** Partner Center company sizes look like `Size10to50employees` / `Size10000orMoreEmployees`. */
export function companySize(locale: Locale, size: string | undefined): string | undefined {
  if (size === undefined || size.trim() === '') return undefined;
  const range = /(\d+)\s*(?:to|-|–)\s*(\d+)/i.exec(size);
  if (range) return t(locale, 'card.sizeRange', { min: Number(range[1]).toLocaleString(locale), max: Number(range[2]).toLocaleString(locale) });
  const atLeast = /(\d+)\s*(?:orMore|\+|plus|andAbove)/i.exec(size);
  if (atLeast) return t(locale, 'card.sizeAtLeast', { min: Number(atLeast[1]).toLocaleString(locale) });
  return escapeMarkdown(size);
}

export function location(locale: Locale, referral: Referral): string | undefined {
  const address = referral.customerProfile.address;
  if (!address) return undefined;
  const country = typeof address.country === 'string' && address.country.trim() !== '' ? countryName(locale, address.country) : undefined;
  const parts = [address.city, address.state, country].filter(present).map(escapeMarkdown);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * A requirement list in words, markdown-escaped: Partner Center's names, else its ids in words; the
 * first few (CARD_LIMITS), and "+N more" when there are more.
 */
export function requirementNames(locale: Locale, referral: Pick<Referral, 'details'>, list: RequirementList): string[] {
  const { shown, more } = firstOf(requirementTags(referral, list), CARD_LIMITS.listItems);
  const names = shown.map((tag) => escapeMarkdown(clip(tagWords(tag), CARD_LIMITS.listItem)));
  return more > 0 ? [...names, t(locale, 'card.andMore', { count: more })] : names;
}

export function money(locale: Locale, referral: Pick<Referral, 'details'>): string | undefined {
  const value = referral.details.dealValue;
  if (value === undefined) return undefined;
  return formatMoney(locale, value, referral.details.currency ?? 'USD');
}

/** The icon before a state's name (cards, lists, digests). */
export const STATUS_ICON: Record<Referral['substatus'], string> = {
  Pending: '🆕',
  Received: '🔎',
  Accepted: '🤝',
  Won: '🏆',
  Lost: '📉',
  Declined: '❌',
  Expired: '⌛',
  Skipped: '⏭️',
};

export function statusText(locale: Locale, referral: Pick<Referral, 'status' | 'substatus'>): string {
  return t(locale, 'status.line', { status: t(locale, `status.${referral.status}`), substatus: t(locale, `substatus.${referral.substatus}`) });
}
