// The only botbuilder-facing part of delivery: posts, thread replies, card updates and personal
// messages through CloudAdapter.continueConversationAsync (docs/architecture.md#delivery).
//
// Choices, and why:
// - Every call makes exactly ONE HTTP request. The connector client's own retry policy (3 retries
//   for 429/503 with Retry-After, 408/5xx and connection errors with backoff, POSTs included) is
//   removed from the client of each call: the outbox sender decides about retries, with backoff
//   persisted in the store, pacing that knows every request, and a bound on attempts.
// - Every call has a timeout (the SDK has none): the request is aborted after `timeoutMs` and a
//   SendTimeoutError is thrown. Whether Teams applied an aborted post is unknown (see the
//   duplicate window documented in bot/outbox/sender.ts).
// - Sends use the connector's sendToConversation (POST /v3/conversations/{id}/activities): the
//   conversation id alone decides the thread. A bare channel id starts a new post; the thread of a
//   post is `<channel id>;messageid=<root activity id>`. Card updates address the card's thread too
//   (as Teams does for card actions), so they count against that thread's rate limit.
// - Errors are the SDK's RestError (statusCode, code, response.headers): classified here
//   (send-errors.ts) and thrown as SendFailedError, so the outbox knows no SDK error shape.
//   Errors never reach the adapter's onTurnError.

import { TurnContext, type Activity, type Attachment, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { StoredReference } from '../../storage/bot-state-reads.js';
import { conversationIdFor, isChannelReference, SendFailedError, SendTimeoutError, type MessageContent, type Messenger } from '../outbox/messenger.js';
import { classifySendError } from './send-errors.js';
import type { Logger } from '../logger.js';

/** The part of botframework-connector's ConnectorClient used here (structural: no direct dependency). */
interface ConversationsApi {
  sendToConversation(conversationId: string, activity: Partial<Activity>, options?: { abortSignal?: AbortSignal }): Promise<{ id?: string }>;
  updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>, options?: { abortSignal?: AbortSignal }): Promise<{ id?: string }>;
}
interface ConnectorClientLike {
  conversations: ConversationsApi;
  client?: { pipeline?: { removePolicy(options: { name: string }): unknown; getOrderedPolicies?(): Array<{ name: string }> } };
}

export interface TeamsMessengerOptions {
  adapter: CloudAdapter;
  /** MicrosoftAppId; '' in local mode (no token is sent). */
  botAppId: string;
  /** Per-call timeout. Default 15 000 ms. */
  timeoutMs?: number;
  log?: Logger;
}

export class TeamsMessenger implements Messenger {
  readonly #adapter: CloudAdapter;
  readonly #botAppId: string;
  readonly #timeoutMs: number;
  readonly #log: Logger | undefined;
  #warnedRetryPolicy = false;

  constructor(options: TeamsMessengerOptions) {
    this.#adapter = options.adapter;
    this.#botAppId = options.botAppId;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#log = options.log;
  }

  post(reference: StoredReference, message: MessageContent): Promise<string> {
    return this.#send(reference, conversationIdFor(reference), message);
  }

  reply(reference: StoredReference, rootActivityId: string, message: MessageContent): Promise<string> {
    if (!isChannelReference(reference)) return this.#send(reference, reference.conversation.id, message);
    return this.#send(reference, conversationIdFor(reference, rootActivityId), message);
  }

  async update(reference: StoredReference, activityId: string, message: MessageContent, threadRootId?: string): Promise<void> {
    const conversationId = conversationIdFor(reference, isChannelReference(reference) ? (threadRootId ?? activityId) : undefined);
    await this.#call(reference, async (api, abortSignal) => {
      const activity = this.#activity(reference, conversationId, message);
      activity.id = activityId;
      await api.updateActivity(conversationId, activityId, activity, { abortSignal });
    });
  }

  sendPersonal(reference: StoredReference, message: MessageContent): Promise<string> {
    return this.#send(reference, reference.conversation.id, message);
  }

  async #send(reference: StoredReference, conversationId: string, message: MessageContent): Promise<string> {
    return this.#call(reference, async (api, abortSignal) => {
      const response = await api.sendToConversation(conversationId, this.#activity(reference, conversationId, message), { abortSignal });
      if (typeof response?.id !== 'string' || response.id === '') {
        // Posted, but nothing to store: retrying would post twice, so the sender parks the item.
        throw Object.assign(new Error('the Teams connector accepted the message but returned no activity id'), {
          name: 'NoActivityIdError',
          code: 'NoActivityId',
        });
      }
      return response.id;
    });
  }

  #activity(reference: StoredReference, conversationId: string, message: MessageContent): Partial<Activity> {
    const activity: Partial<Activity> = { type: 'message' };
    if (message.text !== undefined) activity.text = message.text;
    if (message.attachments !== undefined) activity.attachments = message.attachments.map((attachment) => ({ ...attachment }) as Attachment);
    if (message.mentions !== undefined && message.mentions.length > 0) {
      activity.entities = message.mentions.map((person) => ({
        type: 'mention',
        text: `<at>${person.name}</at>`,
        mentioned: { id: person.id, name: person.name },
      }));
    }
    TurnContext.applyConversationReference(activity, structuredClone(reference) as Partial<ConversationReference>, false);
    activity.conversation = { ...activity.conversation!, id: conversationId };
    return activity;
  }

  /**
   * Runs `work` with the connector client of a proactive turn, under the timeout. Errors are
   * caught inside the turn (so onTurnError never sees them) and rethrown here.
   */
  async #call<T>(reference: StoredReference, work: (api: ConversationsApi, abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new SendTimeoutError(this.#timeoutMs));
      }, this.#timeoutMs);
    });
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    const turn = this.#adapter
      .continueConversationAsync(this.#botAppId, structuredClone(reference) as Partial<ConversationReference>, async (context) => {
        try {
          const client = context.turnState.get(this.#adapter.ConnectorClientKey) as ConnectorClientLike | undefined;
          if (!client?.conversations) throw new Error('no connector client in the proactive turn');
          this.#disableSdkRetries(client);
          outcome = { ok: true, value: await work(client.conversations, controller.signal) };
        } catch (error) {
          outcome = { ok: false, error };
        }
      })
      .then(() => {
        if (!outcome) throw new Error('the proactive turn ended without running');
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      });
    // After a timeout the turn still settles (aborted); nobody waits for it any more.
    turn.catch(() => undefined);
    try {
      return await Promise.race([turn, timedOut]);
    } catch (error) {
      throw new SendFailedError(classifySendError(error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  #disableSdkRetries(client: ConnectorClientLike): void {
    const pipeline = client.client?.pipeline;
    if (pipeline && typeof pipeline.removePolicy === 'function') {
      pipeline.removePolicy({ name: 'defaultRetryPolicy' });
      return;
    }
    if (!this.#warnedRetryPolicy) {
      this.#warnedRetryPolicy = true;
      this.#log?.warn('teams messenger: cannot remove the connector client retry policy; the SDK may retry requests itself');
    }
  }
}
