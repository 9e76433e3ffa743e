// The referral as the HTTP API shows it: Partner Center's field names, the fields of the incoming
// RFI that the model does not name, and the history (oldest first).

import type { Referral } from './model.js';

export type ApiReferral = Record<string, unknown> & Omit<Referral, 'extra'>;

export function toApiReferral(referral: Referral): ApiReferral {
  const { extra, ...known } = referral;
  return { ...extra, ...known };
}
