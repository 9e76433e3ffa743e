// Turns an outbox item into the message to send, at send time: cards show the referral's state
// as it is when sent (so several queued updates show the latest), in the conversation's language.

import { inactiveReasonText } from './inactive-reason.js';
import {
  cardAttachment,
  renderDigest,
  renderNotice,
  renderReferralCard,
  renderWelcome,
  t,
  threadReplyText,
  type Locale,
  type MessageKey,
} from '../../cards/index.js';
import type { Policy } from '../../referrals/policy.js';
import type { OutboxItem, ReferralRecord, StoreState } from '../../storage/store.js';
import { localeOf } from '../use-cases/bot-state.js';
import { DIGEST_MESSAGE_KEY, parseDigestParams } from '../timers/digest.js';

export interface OutgoingMessage {
  text?: string;
  attachments?: ReturnType<typeof cardAttachment>[];
}

export interface RenderContext {
  defaultLocale: Locale;
  policy: Policy;
  now: Date;
}

/** The message for `item`, or undefined when there is nothing (left) to say. */
export function renderOutboxItem(item: OutboxItem, record: ReferralRecord | undefined, state: StoreState, context: RenderContext): OutgoingMessage | undefined {
  const locale = localeOf(state, item.target, context.defaultLocale);
  const { key, params = {} } = item.message;
  if (key === 'card') {
    if (!record) return undefined;
    return { attachments: [cardAttachment(renderReferralCard(record.referral, { locale, now: context.now, policy: context.policy }))] };
  }
  if (key === 'event') {
    if (!record) return undefined;
    const event = record.referral.history[Number(params['index'])];
    const text = event && threadReplyText(locale, event, record.referral, context.policy);
    if (!text) return undefined;
    if (item.kind === 'personal') {
      return { attachments: [cardAttachment(renderNotice(locale, { title: record.referral.name, text, referralId: record.referral.id }))] };
    }
    return { text };
  }
  if (key === 'welcome') return { attachments: [cardAttachment(renderWelcome(locale, context.policy.respondWithinMs))] };
  if (key === DIGEST_MESSAGE_KEY) {
    // A channel's digest (bot/digest.ts): the slot and its content travel in the params.
    const digest = parseDigestParams(params);
    if (!digest || (digest.content.attention.length === 0 && digest.content.changes.length === 0)) return undefined;
    const { slot, since, content, attentionTotal, changesTotal } = digest;
    return { attachments: [cardAttachment(renderDigest(locale, content, { slot, since, attentionTotal, changesTotal }))] };
  }
  // Any other key is a locale string (notices to admins and channels), with its parameters.
  if (key === 'notice.channelRemoved') {
    const reason = inactiveReasonText(locale, typeof params['reason'] === 'string' ? params['reason'] : undefined);
    return { attachments: [cardAttachment(renderNotice(locale, { text: t(locale, key, { ...params, reason }) }))] };
  }
  return { attachments: [cardAttachment(renderNotice(locale, { text: t(locale, key as MessageKey, params) }))] };
}
