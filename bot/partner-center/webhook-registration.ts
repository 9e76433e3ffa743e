// Partner Center's webhook registration API (/webhooks/v1/registration), as the
// `npm run partner-center` commands use it: one URL per event per tenant, so registering shows
// what is registered now and never silently replaces another registration (a CRM connector's).

import { WEBHOOKS_SCOPE, type TokenSource } from './sign-in.js';

/** A related referral (the same engagement) has events of its own: they update the first referral's thread. */
export const REFERRAL_WEBHOOK_EVENTS = ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'] as const;

export interface Registration {
  webhookUrl?: string;
  events: string[];
}

export class RegistrationError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistrationError';
  }
}

export class WebhookRegistrationApi {
  readonly #base: string;
  readonly #tokens: TokenSource;

  constructor(webhooksApiUrl: string, tokens: TokenSource) {
    this.#base = `${webhooksApiUrl.replace(/\/+$/, '')}/webhooks/v1/registration`;
    this.#tokens = tokens;
  }

  async #call(method: string, suffix = '', body?: unknown): Promise<{ status: number; body: unknown }> {
    const token = await this.#tokens.token(WEBHOOKS_SCOPE);
    const response = await fetch(`${this.#base}${suffix}`, {
      method,
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed };
  }

  /** What is registered for this tenant now (undefined: nothing). */
  async current(): Promise<Registration | undefined> {
    const answer = await this.#call('GET');
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw new RegistrationError(`GET registration answered ${answer.status}`, answer.status);
    const body = (answer.body ?? {}) as { WebhookUrl?: unknown; WebhookEvents?: unknown };
    if (typeof body.WebhookUrl !== 'string' || body.WebhookUrl === '') return undefined;
    return { webhookUrl: body.WebhookUrl, events: Array.isArray(body.WebhookEvents) ? body.WebhookEvents.map(String) : [] };
  }

  /** Registers `url` for the referral events: POST when nothing is registered, PUT to replace. */
  async register(url: string, replace: boolean): Promise<Registration> {
    const body = { WebhookUrl: url, WebhookEvents: [...REFERRAL_WEBHOOK_EVENTS] };
    const answer = await this.#call(replace ? 'PUT' : 'POST', '', body);
    if (answer.status !== 200 && answer.status !== 201) throw new RegistrationError(`registration answered ${answer.status}`, answer.status);
    return { webhookUrl: url, events: [...REFERRAL_WEBHOOK_EVENTS] };
  }

  /** Asks Partner Center to send a test event ("test-created"); returns its correlation id. */
  async testEvent(): Promise<string> {
    const answer = await this.#call('POST', '/validationEvents');
    const id = (answer.body as { CorrelationId?: unknown } | undefined)?.CorrelationId;
    if ((answer.status !== 200 && answer.status !== 201) || typeof id !== 'string')
      throw new RegistrationError(`validationEvents answered ${answer.status}`, answer.status);
    return id;
  }

  /** The delivery status of a test event, in Partner Center's words. */
  async testEventStatus(correlationId: string): Promise<string> {
    const answer = await this.#call('GET', `/validationEvents/${encodeURIComponent(correlationId)}`);
    if (answer.status !== 200) throw new RegistrationError(`validationEvents answered ${answer.status}`, answer.status);
    const body = (answer.body ?? {}) as { Status?: unknown };
    return typeof body.Status === 'string' ? body.Status : JSON.stringify(answer.body);
  }
}
