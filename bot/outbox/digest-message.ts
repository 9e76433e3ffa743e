// A digest's outbox message (docs/architecture.md#the-digest): the params the digest timer queues
// and the renderer reads back at send time.

import { DIGEST_SECTION_LIMIT } from '../../cards/index.js';
import type { DigestContent } from '../../referrals/digest-content.js';
import type { DigestParams } from '../../storage/store.js';

/** The params of a digest item: the slot, the window start and the content (cut to the card's limit). */
export function digestParams(slot: string, since: string, content: DigestContent): DigestParams {
  const cut: DigestContent = { attention: content.attention.slice(0, DIGEST_SECTION_LIMIT), changes: content.changes.slice(0, DIGEST_SECTION_LIMIT) };
  return { slot, since, content: JSON.stringify(cut), attentionTotal: content.attention.length, changesTotal: content.changes.length };
}

/** Reads a digest item's content back; undefined when the params do not hold one. */
export function parseDigestParams(
  params: Partial<Record<keyof DigestParams, unknown>> | undefined,
): { slot: string; since: string; content: DigestContent; attentionTotal: number; changesTotal: number } | undefined {
  if (!params || typeof params['slot'] !== 'string' || typeof params['since'] !== 'string' || typeof params['content'] !== 'string') return undefined;
  let content: DigestContent;
  try {
    content = JSON.parse(params['content']) as DigestContent;
  } catch {
    return undefined;
  }
  if (!Array.isArray(content?.attention) || !Array.isArray(content?.changes)) return undefined;
  const total = (name: 'attentionTotal' | 'changesTotal', fallback: number) => {
    const value = params[name];
    return typeof value === 'number' ? value : fallback;
  };
  return {
    slot: params['slot'],
    since: params['since'],
    content,
    attentionTotal: total('attentionTotal', content.attention.length),
    changesTotal: total('changesTotal', content.changes.length),
  };
}
