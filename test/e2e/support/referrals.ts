// RFIs for the end-to-end run: Partner Center referral resources sent to the bot's intake API, each
// with a customer name that is unique in the run (the tests find the card's post by it).

import { postReferral, sampleRfi } from '../../support/intake-client.js';

export interface TestRfi {
  id: string;
  customer: string;
  contactEmail: string;
  body: Record<string, unknown>;
}

const RUN = Date.now().toString(36);
let counter = 0;

/** A new-referral RFI received "now" (no createdDateTime: the bot stamps it, so timers start now). */
export function rfi(options: { customer: string; country?: string; city?: string; name?: string }): TestRfi {
  counter += 1;
  const id = `e2e-${RUN}-${counter}`;
  const contactEmail = `buyer.${counter}@${options.customer.toLowerCase().replace(/[^a-z]+/g, '') || 'customer'}.example`;
  const body = sampleRfi(id, {
    createdDateTime: undefined,
    name: options.name ?? `${options.customer} – cloud migration`,
    customerProfile: {
      name: options.customer,
      size: '51to250employees',
      address: { addressLine1: 'Main street 1', city: options.city ?? 'Berlin', postalCode: '10115', country: options.country ?? 'DE', region: 'Europe' },
      team: [{ firstName: 'Anna', lastName: 'Schmidt', email: contactEmail, phoneNumber: '+49 30 1234567', contactPreference: 'Email' }],
    },
  });
  return { id, customer: options.customer, contactEmail, body };
}

/** POST /api/referrals; fails the test unless the bot took it (201). */
export async function sendRfi(botUrl: string, referral: TestRfi): Promise<void> {
  const response = await postReferral(botUrl, referral.body);
  if (response.status !== 201) throw new Error(`POST /api/referrals answered ${response.status}: ${JSON.stringify(response.body)}`);
}
