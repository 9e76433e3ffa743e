// The delivery port: what the outbox sender needs from a messenger, and the rule for which
// conversation id (channel, thread, chat) a request goes to. The botbuilder implementation is
// bot/teams/messenger.ts. See docs/architecture.md#delivery.

import type { StoredReference } from '../../storage/bot-state-reads.js';

/** What to send: rendered by bot/outbox/render.ts at send time. */
export interface MessageContent {
  text?: string;
  attachments?: ReadonlyArray<{ contentType: string; content: unknown }>;
  /** People @mentioned in `text`, each written there as `<at>name</at>` (Teams notifies them). */
  mentions?: ReadonlyArray<{ id: string; name: string }>;
}

/** Sends to Teams; implemented by TeamsMessenger (and by fakes in unit tests). */
export interface Messenger {
  /** A new post in a channel (or a message in a chat); returns its activity id. */
  post(reference: StoredReference, message: MessageContent): Promise<string>;
  /** A reply in the thread of channel post `rootActivityId`; returns its activity id. */
  reply(reference: StoredReference, rootActivityId: string, message: MessageContent): Promise<string>;
  /** Replaces the content of a message the bot sent (a card update). */
  update(reference: StoredReference, activityId: string, message: MessageContent): Promise<void>;
  /** A message in a personal chat; returns its activity id. */
  sendPersonal(reference: StoredReference, message: MessageContent): Promise<string>;
}

export class SendTimeoutError extends Error {
  readonly code = 'SendTimeout';
  constructor(readonly timeoutMs: number) {
    super(`no answer from the Teams connector within ${timeoutMs} ms`);
    this.name = 'SendTimeoutError';
  }
}

const THREAD_SUFFIX = ';messageid=';

/** A channel conversation (threaded), as opposed to a personal or group chat. */
export function isChannelReference(reference: StoredReference): boolean {
  if (reference.conversation.conversationType !== undefined) return reference.conversation.conversationType === 'channel';
  return /@thread\.(tacv2|skype)$/i.test(baseConversationId(reference.conversation.id));
}

export function baseConversationId(conversationId: string): string {
  const at = conversationId.indexOf(THREAD_SUFFIX);
  return at < 0 ? conversationId : conversationId.slice(0, at);
}

/**
 * The conversation id a request goes to: the thread of `threadRootId` in a channel, the bare
 * channel for a new post, the chat itself otherwise. The sender paces by the same id.
 */
export function conversationIdFor(reference: StoredReference, threadRootId?: string): string {
  if (!isChannelReference(reference)) return reference.conversation.id;
  const base = baseConversationId(reference.conversation.id);
  return threadRootId === undefined ? base : `${base}${THREAD_SUFFIX}${threadRootId}`;
}
