// The referral as Referral Desk keeps it: Partner Center's referral resource plus the workflow
// state that the lifecycle core folds out of the history. Types only, no behaviour.

import type { Assignment } from './assignment.js';
import type { ReferralEvent } from './events.js';

export const STATUSES = ['New', 'Active', 'Closed'] as const;
export type Status = (typeof STATUSES)[number];

export const SUBSTATUSES = ['Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired', 'Skipped'] as const;
export type Substatus = (typeof SUBSTATUSES)[number];

/** inbox = Partner Center 2019 (default), classic = 2017 ("I'm interested" / "No thanks"). */
export const FLOWS = ['inbox', 'classic'] as const;
export type Flow = (typeof FLOWS)[number];

/**
 * Partner Center's decline / lost reasons, in the order of its bulk-upload codes 1–8.
 * The string is what `statusReason` holds; the locale files give each one its words.
 */
export const CLOSE_REASONS = [
  'BudgetNotAdequate',
  'CustomerDidNotRespond',
  'CustomerChoseAnotherVendor',
  'RequirementNotMet',
  'NotACustomer',
  'TimelineTooShort',
  'AbuseSpamPhishing',
  'Other',
] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Where a referral came from: Partner Center itself (webhook, poll: decisions are written back) or the intake API. */
export type ReferralSource = 'partnerCenter' | 'api';

/** Who did something: a Teams user (AAD object id + display name), or the scheduler. */
export interface Actor {
  id: string;
  name: string;
}

export interface Contact {
  firstName?: string;
  lastName?: string;
  email?: string;
  phoneNumber?: string;
  /** A preference name ("Email") in older referrals; an object in Partner Center's current resource. */
  contactPreference?: string | { locale?: string; disableNotifications?: boolean; [extra: string]: unknown };
  [extra: string]: unknown;
}

export interface Address {
  addressLine1?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  region?: string;
  [extra: string]: unknown;
}

export interface CustomerProfile {
  name: string;
  address?: Address;
  size?: string;
  team?: Contact[];
  [extra: string]: unknown;
}

/**
 * One item of a referral's requirements as Partner Center sends it: its id (`Dynamics365Enterprise`,
 * `SOL-Microsoft365`), a name, for solutions a type; other fields as they came. Referrals taken in
 * through the intake API as plain words keep them as the name.
 */
export interface Tag {
  id?: string;
  name?: string;
  type?: string;
  [extra: string]: unknown;
}

export const REQUIREMENT_LISTS = ['products', 'solutions', 'services', 'industries'] as const;
export type RequirementList = (typeof REQUIREMENT_LISTS)[number];

export interface Requirements {
  industries?: Tag[];
  products?: Tag[];
  services?: Tag[];
  solutions?: Tag[];
  [extra: string]: unknown;
}

export interface Details {
  notes?: string;
  dealValue?: number;
  currency?: string;
  closingDateTime?: string;
  requirements?: Requirements;
  [extra: string]: unknown;
}

export interface Consent {
  consentToContact?: boolean;
  consentToToShareInfoWithOthers?: boolean;
  /** false: a private deal; true: shared with Microsoft's sellers (referrals/co-sell.ts). */
  consentToShareReferralWithMicrosoftSellers?: boolean;
  [extra: string]: unknown;
}

/** Who invited the partner into the engagement: `organizationId` "msft" is Microsoft. */
export interface InviteContext {
  notes?: string;
  invitedBy?: { organizationId?: string; organizationName?: string; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** The incoming RFI after validation: Partner Center's shape, unknown fields kept. */
export interface Rfi {
  id: string;
  customerProfile: CustomerProfile;
  engagementId?: string;
  name?: string;
  type?: string;
  qualification?: string;
  createdDateTime?: string;
  updatedDateTime?: string;
  expirationDateTime?: string;
  consent?: Consent;
  details?: Details;
  externalReferenceId?: string;
  eTag?: string;
  /** The customer asked to be contacted directly (the "flame" marker). */
  contactRequested?: boolean;
  [extra: string]: unknown;
}

/** Deal registration details collected after Won when the deal is eligible. */
export interface DealRegistration {
  contractSignedDate?: string;
  customerTenantId?: string;
  notes?: string;
}

/** What the Won form confirms: the final deal value (in the deal's currency) and the day it closed (00:00 UTC). */
export interface FinalDeal {
  dealValue: number;
  closingDateTime: string;
}

/** Fields the seller may change with Accept (inbox) and Edit engagement. */
export interface EngagementFields {
  name?: string;
  dealValue?: number;
  currency?: string;
  closingDateTime?: string;
  notes?: string;
  externalReferenceId?: string;
}

/** Another referral of the same Partner Center engagement (the same engagementId), as a card names it. */
export interface RelatedReferral {
  id: string;
  name: string;
}

export interface Referral {
  id: string;
  /** 'partnerCenter': taken in from Partner Center, so each decision is written back there. Absent: the intake API. */
  source?: ReferralSource;
  engagementId?: string;
  name: string;
  status: Status;
  substatus: Substatus;
  type?: string;
  qualification?: string;
  flow: Flow;
  customerProfile: CustomerProfile;
  consent?: Consent;
  details: Details;
  externalReferenceId?: string;
  /** Decline or lost reason (a CLOSE_REASONS value). */
  statusReason?: CloseReason;
  statusReasonNotes?: string;
  /** The partner's own contacts on this engagement (added on Accept or Add contact). */
  team: Contact[];
  /**
   * The people Partner Center listed on the referral when it arrived: the inviter's (a Microsoft
   * seller on a co-sell referral). Absent on referrals stored before it was kept apart: their
   * `team` holds them.
   */
  engagementTeam?: Contact[];
  /** The open referral of the same engagement this one arrived after: its card's thread is where this one is posted. */
  firstOfEngagement?: RelatedReferral;
  /** Referrals of the same engagement that arrived after this one (posted in this card's thread). */
  related?: RelatedReferral[];
  /** Who accepted the referral; may act on it afterwards. */
  owner?: Actor;
  /** Who in the channel's pool must answer it (referrals/assignment.ts); absent: no pool took it. */
  assignment?: Assignment;
  urgent: boolean;
  /** When the urgent marker changed to its "still waiting" form (URGENT_FOR after creation). */
  urgencyChangedAt?: string;
  dealRegistration?: DealRegistration;
  createdDateTime: string;
  receivedDateTime: string;
  updatedDateTime: string;
  expirationDateTime: string;
  acceptedDateTime?: string;
  closedDateTime?: string;
  /** When somebody first acted on it (interested, accept, decline, no thanks). */
  firstResponseDateTime?: string;
  /** Number of events; the version a card shows. */
  version: number;
  history: ReferralEvent[];
  /** Fields of the incoming RFI this model does not name, kept as they came. */
  extra: Record<string, unknown>;
}
