// The line a referral card gives its engagement's other referrals (docs/architecture.md#related-referrals):
// a later referral says whose thread it is in ("Also shared with Microsoft: …"); the first one
// names the later ones. Pure.

import { coSellOf } from '../../referrals/co-sell.js';
import type { Referral } from '../../referrals/model.js';
import { CARD_LIMITS, clip, firstOf } from '../card-budget.js';
import { t, type Locale } from '../i18n.js';
import { escapeMarkdown } from '../markdown.js';

const named = (name: string) => escapeMarkdown(clip(name, CARD_LIMITS.value));

/** Whether a referral is the Microsoft side of its engagement: Microsoft invited, or it is a Shared (co-sell) one. */
function sharedWithMicrosoft(referral: Referral): boolean {
  return referral.type === 'Shared' || coSellOf(referral)?.fromMicrosoft === true || referral.consent?.consentToShareReferralWithMicrosoftSellers === true;
}

export function relatedLine(referral: Referral, locale: Locale, inFirstThread: boolean): { show: boolean; text: string } {
  const first = referral.firstOfEngagement;
  if (first !== undefined) {
    const key = !inFirstThread ? 'card.related.elsewhere' : sharedWithMicrosoft(referral) ? 'card.related.alsoShared' : 'card.related.sameEngagement';
    return { show: true, text: t(locale, key, { first: named(first.name) }) };
  }
  const later = referral.related ?? [];
  if (later.length === 0) return { show: false, text: '' };
  const { shown, more } = firstOf(later, CARD_LIMITS.listItems);
  const names = [...shown.map((related) => `“${named(related.name)}”`), ...(more > 0 ? [t(locale, 'card.andMore', { count: more })] : [])];
  return { show: true, text: t(locale, 'card.related.list', { names: names.join(', ') }) };
}
