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

/** Present values only: a field Partner Center did not send stays absent. */
function present<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The engagement around a referral; undefined when Partner Center sent none of it (the card looks as before). */
export function coSellOf(referral: Referral): CoSell | undefined {
  const invite = inviteContext(referral);
  const inviterId = text(invite?.invitedBy?.organizationId);
  const inviterName = text(invite?.invitedBy?.organizationName);
  const fromMicrosoft = inviterId?.toLowerCase() === MICROSOFT_ORGANIZATION_ID;
  const intent = referral.extra['customerMarketplaceIntent'];
  const told = present<Omit<CoSell, 'fromMicrosoft' | 'team'>>({
    inviter: inviterId !== undefined || inviterName !== undefined ? present({ id: inviterId, name: inviterName }) : undefined,
    inviteNotes: text(invite?.notes),
    dealType: dealTypeOf(referral, fromMicrosoft),
    solutionArea: text(referral.extra['solutionArea']),
    solutionPlay: text(referral.extra['solutionPlay']),
    partnerRole: text(referral.extra['partnerRole']),
    referralSource: text(referral.extra['referralSource']),
    marketplaceIntent: typeof intent === 'boolean' ? intent : text(intent),
  });
  const team = referral.engagementTeam ?? [];
  return Object.keys(told).length > 0 || team.length > 0 ? { fromMicrosoft, ...told, team } : undefined;
}
