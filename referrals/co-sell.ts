// What a referral says of the engagement around it: who invited the partner (Microsoft or another
// partner) and their notes, the inviter's people, the deal type its consent flags make, and the
// solution area, play, partner role and marketplace details Partner Center sends
// (docs/architecture.md#co-sell). Pure; reads fields stored as Partner Center sent them.

import type { Contact, InviteContext, Referral } from './model.js';

/** Partner Center's organization id for Microsoft in `inviteContext.invitedBy`. */
export const MICROSOFT_ORGANIZATION_ID = 'msft';

/**
 * private: not shared with Microsoft's sellers; partnerLed: shared, the partner works it alone;
 * coSell: shared, and Microsoft is on the engagement (it invited the partner, or the referral is Shared).
 */
export const DEAL_TYPES = ['private', 'partnerLed', 'coSell'] as const;
export type DealType = (typeof DEAL_TYPES)[number];

export interface CoSell {
  /** Microsoft invited the partner. */
  fromMicrosoft: boolean;
  /** The inviting organization's name as sent, else its id ("msft": Microsoft, said by the card). */
  inviter?: { id?: string; name?: string };
  inviteNotes?: string;
  dealType?: DealType;
  solutionArea?: string;
  solutionPlay?: string;
  partnerRole?: string;
  referralSource?: string;
  /** Partner Center's value as sent: a word or a flag. */
  marketplaceIntent?: string | boolean;
  /** The inviter's people on the engagement (a Microsoft seller), as Partner Center sent them. */
  team: Contact[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function inviteContext(referral: Referral): InviteContext | undefined {
  const value = referral.extra['inviteContext'];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as InviteContext) : undefined;
}

/** The deal type Partner Center's consent flags make; undefined when it sent none. */
export function dealTypeOf(referral: Pick<Referral, 'consent' | 'type'>, fromMicrosoft: boolean): DealType | undefined {
  const shared = referral.consent?.consentToShareReferralWithMicrosoftSellers;
  if (typeof shared !== 'boolean') return undefined;
  if (!shared) return 'private';
  return fromMicrosoft || referral.type === 'Shared' ? 'coSell' : 'partnerLed';
}

/** The engagement around a referral; undefined when Partner Center sent none of it (the card looks as before). */
export function coSellOf(referral: Referral): CoSell | undefined {
  const invite = inviteContext(referral);
  const invitedBy = invite?.invitedBy;
  const inviterId = text(invitedBy?.organizationId);
  const inviterName = text(invitedBy?.organizationName);
  const fromMicrosoft = inviterId?.toLowerCase() === MICROSOFT_ORGANIZATION_ID;
  const intent = referral.extra['customerMarketplaceIntent'];
  const found: CoSell = {
    fromMicrosoft,
    ...((inviterId !== undefined || inviterName !== undefined) && {
      inviter: { ...(inviterId !== undefined && { id: inviterId }), ...(inviterName !== undefined && { name: inviterName }) },
    }),
    ...(text(invite?.notes) !== undefined && { inviteNotes: text(invite?.notes) }),
    ...(dealTypeOf(referral, fromMicrosoft) !== undefined && { dealType: dealTypeOf(referral, fromMicrosoft) }),
    ...(text(referral.extra['solutionArea']) !== undefined && { solutionArea: text(referral.extra['solutionArea']) }),
    ...(text(referral.extra['solutionPlay']) !== undefined && { solutionPlay: text(referral.extra['solutionPlay']) }),
    ...(text(referral.extra['partnerRole']) !== undefined && { partnerRole: text(referral.extra['partnerRole']) }),
    ...(text(referral.extra['referralSource']) !== undefined && { referralSource: text(referral.extra['referralSource']) }),
    ...((typeof intent === 'boolean' || text(intent) !== undefined) && { marketplaceIntent: typeof intent === 'boolean' ? intent : text(intent) }),
    team: referral.engagementTeam ?? [],
  };
  // `fromMicrosoft` alone is no news: only an inviter, notes, a flag or a value shows the section.
  const { team, ...rest } = found;
  return Object.keys(rest).length > 1 || team.length > 0 ? found : undefined;
}
