/**
 * Talks to the bot's messaging endpoint like the Teams channel does (local mode: no Authorization).
 *
 * CloudAdapter.process (botbuilder 4.23) answers:
 * - message / conversationUpdate / installationUpdate: 200 with an empty body (sends go to the connector);
 * - invoke: status = invokeResponse.status and body = invokeResponse.body, i.e. for
 *   `adaptiveCard/action` the ActivityHandler wraps onAdaptiveCardInvoke's result as
 *   `{status: r.statusCode, body: r}` → HTTP status r.statusCode, HTTP body
 *   `{statusCode, type, value}`; an invoke nobody answered → 501 with no body;
 * - a handler that throws → 500 with the error message as body (unless the bot's onTurnError
 *   swallows it; then 200, or for an invoke 501).
 */
import { requestJson, type HttpResult } from './http.js';

export interface AdaptiveCardInvokeResponse {
  statusCode: number;
  type: string;
  value: any;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** Teams gives up on a bot after ~15 s; default 15 000 here. */
  timeoutMs?: number;
}

export async function sendActivity<T = any>(botUrl: string, activity: object, opts: SendOptions = {}): Promise<HttpResult<T>> {
  const base = botUrl.replace(/\/+$/, '');
  return requestJson<T>('POST', `${base}/api/messages`, activity, { headers: opts.headers, timeoutMs: opts.timeoutMs ?? 15_000 });
}

/** Send an invoke and return the HTTP result typed as an Adaptive Card invoke response. */
export async function sendInvoke(botUrl: string, activity: object, opts?: SendOptions): Promise<HttpResult<AdaptiveCardInvokeResponse | undefined>> {
  return sendActivity<AdaptiveCardInvokeResponse | undefined>(botUrl, activity, opts);
}
