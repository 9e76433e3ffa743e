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

/** What a failed send means for the outbox (docs/architecture.md#delivery). */
export type SendFailure =
  /** The bot is no longer in the conversation: never retried; the target is retired. */
  | { kind: 'gone'; status: number; code: string; message: string }
  /** Transient: retried with backoff (a Retry-After is honoured). */
  | { kind: 'retry'; status?: number; code?: string; message: string; retryAfterMs?: number }
  /** Retrying the same request cannot succeed (bad request, unknown activity...): parked at once. */
  | { kind: 'fatal'; status?: number; code?: string; message: string };

/** How a Messenger fails: with the failure already put in the outbox's terms (the messenger knows its SDK's errors). */
export class SendFailedError extends Error {
  constructor(
    readonly failure: SendFailure,
    options?: { cause: unknown },
  ) {
    super(describeFailure(failure), options);
    this.name = 'SendFailedError';
  }
}

/** A short, secret-free text for `OutboxItem.lastError` and logs. */
export function describeFailure(failure: SendFailure): string {
  const head = [failure.status, failure.code].filter((part) => part !== undefined).join(' ');
  return `${head ? `${head}: ` : ''}${failure.message}`.slice(0, 300);
}

/** Sends to Teams; implemented by TeamsMessenger. Every method rejects with a SendFailedError. */
export interface Messenger {
  /** A new post in a channel (or a message in a chat); returns its activity id. */
  post(reference: StoredReference, message: MessageContent): Promise<string>;
  /** A reply in the thread of channel post `rootActivityId`; returns its activity id. */
  reply(reference: StoredReference, rootActivityId: string, message: MessageContent): Promise<string>;
  /** Replaces the content of a message the bot sent (a card update); `threadRootId` when that message is a reply in a thread. */
  update(reference: StoredReference, activityId: string, message: MessageContent, threadRootId?: string): Promise<void>;
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
