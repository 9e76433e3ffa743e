// The Partner Center Referrals API as the bot uses it (docs/architecture.md#partner-center): get a
// referral, list changed ones page by page, PATCH a decision. Each call takes a fresh delegated
// token; a 401 refreshes it once. Answers are returned, not thrown, so callers decide on 412 / 429.

import { randomUUID } from 'node:crypto';
import type { PatchOperation } from '../../referrals/partner-center.js';
import { REFERRALS_SCOPE, type TokenSource } from './sign-in.js';
import { parseRetryAfter } from '../retry.js';

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface ApiAnswer {
  status: number;
  body?: unknown;
  eTag?: string;
  /** Retry-After (seconds or an HTTP date), in milliseconds. */
  retryAfterMs?: number;
}

export interface ListPage {
  items: Record<string, unknown>[];
  nextLink?: string;
}

export class PartnerCenterApiError extends Error {
  constructor(
    message: string,
    readonly answer?: ApiAnswer,
  ) {
    super(message);
    this.name = 'PartnerCenterApiError';
  }
}

export interface ApiClientOptions {
  apiUrl: string;
  tokens: TokenSource;
  timeoutMs?: number;
}

export class PartnerCenterApi {
  readonly #base: string;
  readonly #origin: string;
  readonly #tokens: TokenSource;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.#base = options.apiUrl.replace(/\/+$/, '');
    this.#origin = new URL(this.#base).origin;
    this.#tokens = options.tokens;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  referralUrl(id: string): string {
    return `${this.#base}/v1.0/engagements/referrals/${encodeURIComponent(id)}`;
  }

  async #call(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<ApiAnswer> {
    let forceRefresh = false;
    for (;;) {
      const token = await this.#tokens.token(REFERRALS_SCOPE, { forceRefresh });
      const response = await fetch(url, {
        method: init.method,
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'client-request-id': randomUUID(), ...init.headers },
        ...(init.body !== undefined && { body: init.body }),
      });
      // A token the API refuses although MSAL thought it fresh (revoked, clock skew): one refresh, then the answer stands.
      if (response.status === 401 && !forceRefresh) {
        await response.arrayBuffer().catch(() => undefined);
        forceRefresh = true;
        continue;
      }
      const bytes = Buffer.from(await response.arrayBuffer());
      if (bytes.length > MAX_RESPONSE_BYTES) throw new PartnerCenterApiError(`${init.method} answered more than ${MAX_RESPONSE_BYTES} bytes`);
      let body: unknown;
      if (bytes.length > 0 && /json/i.test(response.headers.get('content-type') ?? 'application/json')) {
        try {
          body = JSON.parse(bytes.toString('utf8'));
        } catch {
          throw new PartnerCenterApiError(`${init.method} answered ${response.status} with a body that is not JSON`);
        }
      }
      const eTag = response.headers.get('etag') ?? (typeof (body as { eTag?: unknown })?.eTag === 'string' ? (body as { eTag: string }).eTag : undefined);
      const wait = parseRetryAfter(response.headers.get('retry-after'));
      return { status: response.status, ...(body !== undefined && { body }), ...(eTag && { eTag }), ...(wait !== undefined && { retryAfterMs: wait }) };
    }
  }

  getReferral(id: string): Promise<ApiAnswer> {
    return this.#call(this.referralUrl(id), { method: 'GET' });
  }

  /** One page of referrals changed at or after `updatedSince` (oldest change first), or the page `nextLink` names. */
  listChanged(updatedSince: string | undefined, nextLink?: string): Promise<ListPage & { answer: ApiAnswer }> {
    const query = new URLSearchParams({ $orderby: 'updatedDateTime asc', pagesize: '100' });
    if (updatedSince) query.set('$filter', `updatedDateTime ge ${updatedSince}`);
    return this.#listPage(query, nextLink);
  }

  /** One page of the referrals in `status`, with only the query options Partner Center documents (the poll's fallback). */
  listByStatus(status: 'New' | 'Active', nextLink?: string): Promise<ListPage & { answer: ApiAnswer }> {
    return this.#listPage(new URLSearchParams({ $filter: `status eq '${status}'`, pagesize: '100' }), nextLink);
  }

  async #listPage(query: URLSearchParams, nextLink: string | undefined): Promise<ListPage & { answer: ApiAnswer }> {
    let url: string;
    if (nextLink) {
      // The token goes only where the API lives, whatever a page says.
      if (new URL(nextLink).origin !== this.#origin) throw new PartnerCenterApiError('@odata.nextLink points outside PARTNER_CENTER_API_URL');
      url = nextLink;
    } else {
      url = `${this.#base}/v1.0/engagements/referrals?${query.toString().replace(/\+/g, '%20')}`;
    }
    const answer = await this.#call(url, { method: 'GET' });
    if (answer.status !== 200) return { answer, items: [] };
    const body = answer.body as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
    if (!body || !Array.isArray(body.value)) throw new PartnerCenterApiError('the referral list has no "value" array', answer);
    const items = body.value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
    const next = typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    return { answer, items, ...(next && { nextLink: next }) };
  }

  /** A JSON Patch with If-Match (each attempt its own client-request-id, as Partner Center asks). */
  patchReferral(id: string, operations: readonly PatchOperation[], eTag: string | undefined): Promise<ApiAnswer> {
    return this.#call(this.referralUrl(id), {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/json',
        Prefer: 'return=representation',
        ...(eTag !== undefined && { 'If-Match': eTag }),
      },
      body: JSON.stringify(operations),
    });
  }
}
