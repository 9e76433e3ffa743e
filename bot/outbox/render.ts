// Turns an outbox item into the message to send, at send time: cards show the referral's state
// as it is when sent (so several queued updates show the latest), in the conversation's language.

import { inactiveReasonText } from './inactive-reason.js';
import {
  cardAttachment,
  describeFilters,
  escapeMarkdown,
  renderDigest,
  renderNotice,
  renderReferralCard,
  renderWelcome,
  t,
  threadReplyText,
  type Locale,
} from '../../cards/index.js';
import type { Policy } from '../../referrals/policy.js';
import { MFA_REQUIRED, type OutboxItem, type ReferralRecord, type BotState } from '../../storage/store.js';
import { localeOf, notifiedOf, type Person } from '../../storage/bot-state-reads.js';
import { parseDigestParams } from './digest-message.js';
import type { Display } from '../../cards/display.js';

export interface OutgoingMessage {
  text?: string;
  attachments?: ReturnType<typeof cardAttachment>[];
  mentions?: { id: string; name: string }[];
}

/**
 * Thread replies that ask someone to act: Teams notifies only whom a message @mentions. The owner
 * when there is one; for a referral nobody has taken yet, the people its channel named
 * (`settings notify`).
 */
const SOMEONE_MUST_ACT: ReadonlySet<string> = new Set(['reminded', 'expiryWarned', 'closeDatePassed']);

function withMentions(text: string, people: readonly Person[]): OutgoingMessage {
  if (people.length === 0) return { text };
  // The name inside <at> must match the mention entity; angle brackets would end the tag.
  const named = people.map((person) => ({ id: person.id, name: person.name.replace(/[<>]/g, '') }));
  return { text: `${named.map((person) => `<at>${person.name}</at>`).join(' ')} ${text}`, mentions: named };
}

/** Stored mentions, checked again (an item outlives the code that queued it). */
function mentionParams(value: unknown): Person[] {
  if (!Array.isArray(value)) return [];
  return value.filter((person): person is Person => typeof person?.id === 'string' && typeof person?.name === 'string').slice(0, 20);
}

export interface RenderContext {
  defaultLocale: Locale;
  policy: Policy;
  display: Display;
  now: Date;
}

/** "The Partner Center sign-in did not finish: …": MSAL's error code, or for a sign-in without MFA what to do, in the reader's words. */
export function signInFailedText(locale: Locale, reason: string): string {
  return t(locale, 'partnerCenter.signInFailed', { reason: reason === MFA_REQUIRED ? t(locale, 'partnerCenter.mfaMissing') : escapeMarkdown(reason) });
}

/** The message for `item`, or undefined when there is nothing (left) to say. */
export function renderOutboxItem(item: OutboxItem, record: ReferralRecord | undefined, state: BotState, context: RenderContext): OutgoingMessage | undefined {
  const locale = localeOf(state, item.target, context.defaultLocale);
  const message = item.message;
  switch (message.key) {
    case 'card': {
      if (!record) return undefined;
      // A parked Partner Center write keeps the card refreshing, so its owner and managers see it (and the retry button) even when closed.
      const parked = record.partnerCenter?.writes.some((write) => write.state === 'failed') === true;
      const personalViewer = item.kind === 'personal' && item.target.startsWith('user:') ? item.target.slice('user:'.length) : undefined;
      // Teams refreshes for the users a card names by their Teams id (29:…), which the personal chat's reference holds.
      const viewerMri = personalViewer === undefined ? undefined : (state.conversations[item.target]?.reference.user?.id ?? personalViewer);
      return {
        attachments: [
          cardAttachment(
            renderReferralCard(record.referral, {
              locale,
              now: context.now,
              policy: context.policy,
              display: context.display,
              ...(parked && { refresh: true }),
              ...(item.kind !== 'personal' && (item.thread ?? record.card?.thread) !== undefined && { inFirstThread: true }),
              // The assignee's own copy: Teams refreshes it whenever they look, with Pass while it is theirs.
              ...(personalViewer !== undefined && { viewerId: personalViewer, refreshUserIds: [viewerMri ?? personalViewer] }),
            }),
          ),
        ],
      };
    }
    case 'event': {
      if (!record) return undefined;
      const event = record.referral.history[Number(message.params.index)];
      const text = event && threadReplyText(locale, event, record.referral, context.policy, context.display);
      if (!text) return undefined;
      if (item.kind === 'personal') {
        return { attachments: [cardAttachment(renderNotice(locale, { title: escapeMarkdown(record.referral.name), text, referralId: record.referral.id }))] };
      }
      const named = mentionParams(message.params.mention);
      if (named.length > 0) return withMentions(text, named);
      if (!SOMEONE_MUST_ACT.has(event.type)) return { text };
      const owner = record.referral.owner;
      return withMentions(text, owner ? [owner] : notifiedOf(state, item.target));
    }
    case 'welcome':
      return { attachments: [cardAttachment(renderWelcome(locale, context.policy.respondWithinMs))] };
    case 'digest': {
      // Stored data: checked again, since a digest item outlives the code that queued it.
      const digest = parseDigestParams(message.params);
      if (!digest || (digest.content.attention.length === 0 && digest.content.changes.length === 0)) return undefined;
      const { slot, since, content, attentionTotal, changesTotal } = digest;
      return { attachments: [cardAttachment(renderDigest(locale, content, { slot, since, attentionTotal, changesTotal, display: context.display }))] };
    }
    case 'notice.partnerCenter': {
      const { params } = message;
      const reason = escapeMarkdown(String(params.reason ?? ''));
      const text =
        params.kind === 'signedIn'
          ? t(locale, 'partnerCenter.signedIn', { account: escapeMarkdown(String(params.account ?? '')) })
          : params.kind === 'signInFailed'
            ? signInFailedText(locale, String(params.reason ?? ''))
            : t(locale, 'partnerCenter.signInNeeded', { reason });
      return { attachments: [cardAttachment(renderNotice(locale, { title: t(locale, 'partnerCenter.title'), text }))] };
    }
    case 'notice.routeChanged': {
      const { params } = message;
      const names = { by: escapeMarkdown(params.by), channel: escapeMarkdown(params.channel) };
      const text =
        params.change === 'subscribed'
          ? Object.keys(params.filters).length === 0
            ? t(locale, 'notice.routeChanged.subscribedAll', { ...names, waiting: params.waiting })
            : t(locale, 'notice.routeChanged.subscribed', { ...names, filters: describeFilters(locale, params.filters), waiting: params.waiting })
          : t(locale, 'notice.routeChanged.unsubscribed', {
              ...names,
              routes: params.routes,
              cardsHere: params.cardsHere,
              next: t(locale, params.anyRouteLeft ? 'notice.routeChanged.nextElsewhere' : 'notice.routeChanged.nextNowhere'),
            });
      return { attachments: [cardAttachment(renderNotice(locale, { title: t(locale, 'notice.routeChanged.title'), text }))] };
    }
    case 'notice.channelRemoved': {
      const { params } = message;
      const reason = inactiveReasonText(locale, typeof params.reason === 'string' ? params.reason : undefined);
      // Which routes went with it (notices queued by an older version name none).
      const routesText = (params.filters ?? []).map((filters) =>
        Object.keys(filters).length === 0
          ? t(locale, 'notice.channelRemoved.routesAll')
          : t(locale, 'notice.channelRemoved.routes', { filters: describeFilters(locale, filters) }),
      );
      const { filters: _filters, ...counts } = params;
      const text = [t(locale, message.key, { ...counts, channel: escapeMarkdown(String(params.channel ?? '')), reason }), ...routesText].join(' ');
      return { attachments: [cardAttachment(renderNotice(locale, { text }))] };
    }
    default:
      throw new Error(`unknown outbox message key: ${String((message as { key?: unknown }).key)}`);
  }
}
