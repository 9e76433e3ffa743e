// What a referral's card may show in its state: the customer's contact details (the contact-privacy
// rule, docs/architecture.md#contact-privacy) and the urgent marker.

import type { Referral } from './model.js';

/**
 * Whether the card shows the customer's contact details (docs/architecture.md#contact-privacy): while the
 * referral is actionable (classic flow: only after "I'm interested"), hidden once it is closed as
 * Expired, Declined or Skipped (the customer was told to choose another partner). Won and Lost
 * keep them: the deal was worked with this customer and the owner may still need to follow up.
 */
export function showsCustomerContacts(referral: Pick<Referral, 'flow' | 'status' | 'substatus'>): boolean {
  switch (referral.status) {
    case 'New':
      return referral.flow === 'inbox' || referral.substatus === 'Received';
    case 'Active':
      return true;
    case 'Closed':
      return referral.substatus === 'Won' || referral.substatus === 'Lost';
  }
}

/** Whether the urgent ("flame") marker shows: the customer asked to be contacted, and the referral is open. */
export function showsUrgentMarker(referral: Pick<Referral, 'urgent' | 'status'>): boolean {
  // "Contact me" asks for a first response: once someone accepted, the marker has done its job.
  return referral.urgent && referral.status === 'New';
}
