// The co-sell section of the referral card: who invited the partner and their note, the deal type,
// solution area and play, partner role, marketplace source and intent, and the inviter's people
// (e-mail and phone hidden like the customer's contacts). Pure; absent when Partner Center sent none
// of it (docs/architecture.md#co-sell).

import { coSellOf } from '../../referrals/co-sell.js';
import type { Referral } from '../../referrals/model.js';
import { readableId } from '../../referrals/tags.js';
import { showsCustomerContacts } from '../../referrals/visibility.js';
import { CARD_LIMITS, clip } from '../card-budget.js';
import { peopleLines } from '../formatters.js';
import { t, type Locale, type MessageKey } from '../i18n.js';
import { escapeMarkdown } from '../markdown.js';

export interface CoSellSection {
  show: boolean;
  headline: string;
  notes: string;
  showNotes: boolean;
  facts: { title: string; value: string }[];
  teamHeading: string;
  team: { text: string }[];
  showTeam: boolean;
}

const HIDDEN: CoSellSection = { show: false, headline: '', notes: '', showNotes: false, facts: [], teamHeading: '', team: [], showTeam: false };

export function coSellSection(referral: Referral, locale: Locale): CoSellSection {
  const coSell = coSellOf(referral);
  if (coSell === undefined) return HIDDEN;
  // An organization id is a GUID to a reader (but for Microsoft's "msft"): unnamed, the inviter is "another partner".
  const fallback = t(locale, coSell.fromMicrosoft ? 'card.coSell.microsoft' : 'card.coSell.anotherPartner');
  const inviter = escapeMarkdown(clip(coSell.inviter?.name ?? '', CARD_LIMITS.name) || fallback);
  const headline = coSell.inviter === undefined ? t(locale, 'card.coSell.heading') : t(locale, 'card.coSell.invited', { inviter });
  const words = (value: string | undefined) => (value === undefined ? undefined : escapeMarkdown(clip(readableId(value), CARD_LIMITS.value)));
  const intent = coSell.marketplaceIntent;
  const rows: Array<[MessageKey, string | undefined]> = [
    ['card.coSell.dealType', coSell.dealType === undefined ? undefined : t(locale, `dealType.${coSell.dealType}`)],
    ['card.coSell.solutionArea', words(coSell.solutionArea)],
    ['card.coSell.solutionPlay', words(coSell.solutionPlay)],
    ['card.coSell.partnerRole', words(coSell.partnerRole)],
    ['card.coSell.source', words(coSell.referralSource)],
    ['card.coSell.marketplaceIntent', typeof intent === 'boolean' ? t(locale, intent ? 'card.coSell.yes' : 'card.coSell.no') : words(intent)],
  ];
  const facts = rows.flatMap(([key, value]) => (value === undefined ? [] : [{ title: t(locale, key), value }]));
  // Names always; e-mail and phone only while the customer's contacts show (docs/architecture.md#contact-privacy).
  const reachable = showsCustomerContacts(referral);
  const team = peopleLines(
    locale,
    coSell.team.map((contact) => (reachable ? contact : { firstName: contact.firstName, lastName: contact.lastName })),
  ).map((text) => ({ text }));
  const notes =
    coSell.inviteNotes === undefined
      ? ''
      : t(locale, 'card.coSell.notes', { inviter, notes: escapeMarkdown(clip(coSell.inviteNotes, CARD_LIMITS.inviteNotes)) });
  return {
    show: true,
    headline,
    notes,
    showNotes: notes !== '',
    facts,
    teamHeading: t(locale, 'card.coSell.team', { inviter }),
    team,
    showTeam: team.length > 0,
  };
}
