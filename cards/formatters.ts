// How a referral's pieces read in a locale: names, contact lines, company size, location,
// requirement lists, money, status. Shared by every card and message view model. Everything
// here is card text, so outside text comes back markdown-escaped (cards/markdown.ts).

import type { Contact, Referral } from '../referrals/model.js';
import { countryName, formatMoney, hasMessage, t, type Locale } from './i18n.js';
import { emailLink, escapeMarkdown, phoneLink } from './markdown.js';

function present(part: unknown): part is string {
  return typeof part === 'string' && part.trim() !== '';
}

export function contactName(contact: Contact): string {
  return escapeMarkdown([contact.firstName, contact.lastName].filter(present).join(' '));
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

/** Requirement items arrive as names or as {id, name} objects. */
export function requirementNames(items: unknown): string[] {
  if (!Array.isArray(items)) return [];
  return items
    .map((item) =>
      typeof item === 'string'
        ? item
        : item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string'
          ? (item as { name: string }).name
          : undefined,
    )
    .filter(present)
    .map(escapeMarkdown);
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
