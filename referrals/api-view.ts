// The referral as the HTTP API shows it: Partner Center's field names, the fields of the incoming
// RFI that the model does not name, and the history (oldest first). Requirement items keep Partner
// Center's ids and carry a name: Partner Center's own, else the id in words.

import { REQUIREMENT_LISTS, type Referral } from './model.js';
import { requirementTags, tagWords } from './tags.js';

export type ApiReferral = Record<string, unknown> & Omit<Referral, 'extra'>;

export function toApiReferral(referral: Referral): ApiReferral {
  const { extra, ...known } = referral;
  const requirements = referral.details.requirements;
  if (requirements === undefined) return { ...extra, ...known };
  const named = { ...requirements };
  for (const list of REQUIREMENT_LISTS) {
    if (requirements[list] !== undefined) named[list] = requirementTags(referral, list).map((tag) => ({ ...tag, name: tagWords(tag) }));
  }
  return { ...extra, ...known, details: { ...referral.details, requirements: named } };
}
