// A referral's requirement items (products, solutions, services, industries) read and shown: Partner
// Center's tags keep their ids; referrals stored before ids were kept hold plain words, read here as
// names (docs/architecture.md#the-referral-resource).

import type { Referral, RequirementList, Tag } from './model.js';

const SMALL_WORDS = new Set(['and', 'or', 'for', 'of', 'the', 'in', 'to', 'on', 'at', 'with']);

/** An id such as "Microsoft365" or "DeploymentOrMigration" in words: "Microsoft 365", "Deployment or Migration". */
export function readableId(id: string): string {
  const words = id
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/(\d)([A-Za-z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/\s+/);
  return words.map((word, index) => (index > 0 && SMALL_WORDS.has(word.toLowerCase()) ? word.toLowerCase() : word)).join(' ');
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** The tags of one list: Partner Center's objects as they are, an older record's words as names, anything else left out. */
export function tagsOf(list: unknown): Tag[] {
  if (!Array.isArray(list)) return [];
  const tags: Tag[] = [];
  for (const item of list) {
    if (isText(item)) tags.push({ name: item });
    else if (item !== null && typeof item === 'object' && (isText((item as Tag).id) || isText((item as Tag).name))) tags.push(item as Tag);
  }
  return tags;
}

/** What a person reads for a tag: Partner Center's name, else its id in words. */
export function tagWords(tag: Tag): string {
  return isText(tag.name) ? tag.name : readableId(tag.id ?? '');
}

export function requirementTags(referral: Pick<Referral, 'details'>, list: RequirementList): Tag[] {
  return tagsOf(referral.details.requirements?.[list]);
}

/** Ids of one list, in order (an older record's words have none). */
export function requirementIds(referral: Pick<Referral, 'details'>, list: RequirementList): string[] {
  return requirementTags(referral, list)
    .map((tag) => tag.id)
    .filter(isText);
}
