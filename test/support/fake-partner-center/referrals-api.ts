// A fake Partner Center Referrals API on loopback HTTP: referrals with eTags, GET by id, a list
// with $filter=updatedDateTime ge … or status eq '…' (documentedQueriesOnly: only the latter), $orderby and @odata.nextLink pages of 100, JSON Patch
// (replace / add only) with If-Match → 412, and faults queued by the test (429 with Retry-After,
// 503, 401). Bearer tokens are checked against the fake authority (and refused without MFA); a
// decline or loss must name one of Partner Center's reasons. Every request is recorded.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  status: number;
}

export interface Fault {
  method?: string;
  /** Matches when the request's path contains this. */
  path?: string;
  status: number;
  retryAfter?: string;
  times?: number;
}

/** The decline and lost reasons Partner Center takes in `statusReason` (its bulk-upload codes 1–8). */
export const PARTNER_CENTER_CLOSE_REASONS = [
  'BudgetNotAdequate',
  'CustomerDidNotRespond',
  'CustomerChoseAnotherVendor',
  'RequirementNotMet',
  'NotACustomer',
  'TimelineTooShort',
  'AbuseSpamPhishing',
  'Other',
];

type Referral = Record<string, unknown> & { id: string; eTag: string; updatedDateTime: string };

function setPath(target: Record<string, unknown>, path: string, op: 'replace' | 'add', value: unknown): boolean {
  const keys = path.split('/').slice(1);
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (op === 'add' && last === '-') return false;
  node[last] = value;
  return true;
}

export class FakeReferralsApi {
  readonly #server: Server;
  readonly #referrals = new Map<string, Referral>();
  readonly #faults: Fault[] = [];
  readonly requests: RecordedApiRequest[] = [];
  #tick = 0;
  /** PATCH requests are left unanswered: 'before' applying them, or 'after' (the change is made, the answer lost). */
  #hold: 'before' | 'after' | undefined;
  /** The tenant's webhook registration (/webhooks/v1/registration): one URL for the events. */
  registration: { WebhookUrl: string; WebhookEvents: string[] } | undefined;
  /** Sends a signed "test-created" event to the registered URL (wired by the fake's index). */
  onTestEvent: ((url: string) => Promise<number>) | undefined;
  readonly #testEvents = new Map<string, string>();
  url = '';
  /** Answer 400 to query options Partner Center's docs do not list (a $filter other than on status, an $orderby other than createdDateTime). */
  documentedQueriesOnly = false;

  constructor(
    private readonly validToken: (token: string) => boolean,
    private readonly usedMfa: (token: string) => boolean = () => true,
  ) {
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** Strictly increasing times, so that updatedDateTime orders every change. */
  #now(): string {
    this.#tick = Math.max(this.#tick + 1, Date.now());
    return new Date(this.#tick).toISOString();
  }

  /** Adds (or replaces) a referral as Partner Center holds it, changed now (or at `changedAt`: an old history). */
  put(resource: Record<string, unknown>, changedAt?: string): Referral {
    const updated: Referral = {
      ...structuredClone(resource),
      id: String(resource['id']),
      eTag: `"${randomUUID()}"`,
      updatedDateTime: changedAt ?? this.#now(),
    };
    this.#referrals.set(updated.id, updated);
    return updated;
  }

  /** A change made in Partner Center itself (a colleague, Microsoft, its expiry). */
  change(id: string, fields: Record<string, unknown>): Referral {
    const current = this.#referrals.get(id);
    if (!current) throw new Error(`no referral ${id}`);
    return this.put({ ...current, ...fields });
  }

  get(id: string): Referral | undefined {
    const found = this.#referrals.get(id);
    return found && structuredClone(found);
  }

  /** The next matching requests fail with `fault.status`. */
  fail(fault: Fault): void {
    this.#faults.push({ times: 1, ...fault });
  }

  /** From now on PATCHes get no answer (a crash or a timeout between the bot and Partner Center). */
  holdPatches(mode: 'before' | 'after' | undefined): void {
    this.#hold = mode;
  }

  patches(id?: string): RecordedApiRequest[] {
    return this.requests.filter((request) => request.method === 'PATCH' && (id === undefined || request.path.endsWith(`/${encodeURIComponent(id)}`)));
  }

  #send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): number {
    res.writeHead(status, { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
    return status;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const record: RecordedApiRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      ...(body !== undefined && { body }),
      status: 0,
    };
    this.requests.push(record);
    record.status = this.#answer(req, res, url, body);
  }

  #answer(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): number {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.validToken(token)) return this.#send(res, 401, { code: 'Unauthorized', description: 'The access token is missing or invalid.' });
    // Since 1 April 2026 Partner Center refuses App+User calls whose sign-in did not use MFA.
    if (!this.usedMfa(token))
      return this.#send(res, 401, { code: 'Unauthorized', description: 'Multi-factor authentication is required: the token has no mfa in its amr claim.' });
    const fault = this.#faults.find(
      (candidate) => (!candidate.method || candidate.method === req.method) && (!candidate.path || url.pathname.includes(candidate.path)),
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) this.#faults.splice(this.#faults.indexOf(fault), 1);
      return this.#send(
        res,
        fault.status,
        { code: String(fault.status), description: 'injected by the test' },
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (url.pathname.startsWith('/webhooks/v1/registration')) return this.#registration(req, res, url, body);
    if (url.pathname === '/v1.0/engagements/referrals' && req.method === 'GET') return this.#list(res, url);
    const match = /^\/v1\.0\/engagements\/referrals\/([^/]+)$/.exec(url.pathname);
    if (!match) return this.#send(res, 404, { code: 'NotFound', description: 'no such resource' });
    const id = decodeURIComponent(match[1]!);
    const current = this.#referrals.get(id);
    if (!current) return this.#send(res, 404, { code: 'NotFound', description: `no referral ${id}` });
    if (req.method === 'GET') return this.#send(res, 200, current, { etag: current.eTag });
    if (req.method !== 'PATCH') return this.#send(res, 405, { code: 'MethodNotAllowed' });
    if (this.#hold === 'before') return 0; // never answered, never applied
    const ifMatch = req.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== current.eTag) return this.#send(res, 412, { code: 'PreconditionFailed', description: 'The eTag does not match.' });
    if (current['status'] === 'Closed') return this.#send(res, 400, { code: 'InvalidTransition', description: 'a closed referral cannot change' });
    if (!Array.isArray(body)) return this.#send(res, 400, { code: 'BadRequest', description: 'a JSON Patch array is required' });
    const next = structuredClone(current) as Record<string, unknown>;
    for (const operation of body as Array<{ op?: unknown; path?: unknown; value?: unknown }>) {
      if ((operation.op !== 'replace' && operation.op !== 'add') || typeof operation.path !== 'string') {
        return this.#send(res, 400, { code: 'BadRequest', description: 'only replace and add are supported' });
      }
      if (operation.op === 'add' && operation.path.endsWith('/-')) {
        const key = operation.path.slice(1, -2);
        next[key] = [...(Array.isArray(next[key]) ? (next[key] as unknown[]) : []), operation.value];
      } else if (!setPath(next, operation.path, operation.op, operation.value)) {
        return this.#send(res, 400, { code: 'BadRequest', description: `cannot apply ${operation.path}` });
      }
    }
    const reason = next['statusReason'];
    if (
      (next['substatus'] === 'Declined' || next['substatus'] === 'Lost') &&
      reason !== current['statusReason'] &&
      !PARTNER_CENTER_CLOSE_REASONS.includes(String(reason))
    ) {
      return this.#send(res, 400, { code: 'BadRequest', description: `statusReason must be one of ${PARTNER_CENTER_CLOSE_REASONS.join(', ')}` });
    }
    const allowed: Record<string, string[]> = { New: ['New', 'Active', 'Closed'], Active: ['Active', 'Closed'], Closed: ['Closed'] };
    if (!allowed[String(current['status'])]?.includes(String(next['status']))) {
      return this.#send(res, 400, { code: 'InvalidTransition', description: `${String(current['status'])} cannot become ${String(next['status'])}` });
    }
    const saved = this.put(next);
    if (this.#hold === 'after') return 0; // applied, the answer never sent
    if (req.headers['prefer'] === 'return=representation') return this.#send(res, 200, saved, { etag: saved.eTag });
    return this.#send(res, 204, undefined, { etag: saved.eTag });
  }

  #registration(req: IncomingMessage, res: ServerResponse, url: URL, body: unknown): number {
    if (url.pathname === '/webhooks/v1/registration') {
      if (req.method === 'GET') return this.registration ? this.#send(res, 200, this.registration) : this.#send(res, 404, { code: 'NotFound' });
      const given = body as { WebhookUrl?: unknown; WebhookEvents?: unknown } | undefined;
      if (typeof given?.WebhookUrl !== 'string' || !Array.isArray(given.WebhookEvents)) return this.#send(res, 400, { code: 'BadRequest' });
      if (req.method === 'POST' && this.registration) return this.#send(res, 409, { code: 'Conflict', description: 'already registered' });
      if (req.method === 'PUT' && !this.registration) return this.#send(res, 404, { code: 'NotFound' });
      this.registration = { WebhookUrl: given.WebhookUrl, WebhookEvents: given.WebhookEvents.map(String) };
      return this.#send(res, 200, { SubscriberId: 'fake-subscriber', ...this.registration });
    }
    if (url.pathname === '/webhooks/v1/registration/validationEvents' && req.method === 'POST') {
      if (!this.registration || !this.onTestEvent) return this.#send(res, 404, { code: 'NotFound' });
      const correlationId = randomUUID();
      this.#testEvents.set(correlationId, 'pending');
      void this.onTestEvent(this.registration.WebhookUrl).then(
        (status) => this.#testEvents.set(correlationId, status === 200 ? 'completed' : `failed: ${status}`),
        () => this.#testEvents.set(correlationId, 'failed: unreachable'),
      );
      return this.#send(res, 200, { CorrelationId: correlationId });
    }
    const status = /^\/webhooks\/v1\/registration\/validationEvents\/([^/]+)$/.exec(url.pathname);
    const known = status && this.#testEvents.get(decodeURIComponent(status[1]!));
    return known ? this.#send(res, 200, { Status: known }) : this.#send(res, 404, { code: 'NotFound' });
  }

  #list(res: ServerResponse, url: URL): number {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const filter = url.searchParams.get('$filter') ?? '';
    const orderBy = url.searchParams.get('$orderby') ?? '';
    const since = /^updatedDateTime ge (\S+)$/.exec(filter)?.[1];
    const status = /^status eq '(\w+)'$/.exec(filter)?.[1];
    if (this.documentedQueriesOnly && ((filter !== '' && status === undefined) || (orderBy !== '' && !/^createdDateTime( asc| desc)?$/.test(orderBy)))) {
      return this.#send(res, 400, { code: 'BadRequest', description: 'The query specified in the URI is not valid.' });
    }
    const size = Math.min(100, Number(url.searchParams.get('pagesize') ?? '100'));
    const all = [...this.#referrals.values()]
      .filter((referral) => since === undefined || Date.parse(referral.updatedDateTime) >= Date.parse(since))
      .filter((referral) => status === undefined || referral['status'] === status)
      .sort((a, b) => Date.parse(a.updatedDateTime) - Date.parse(b.updatedDateTime));
    const page = all.slice(skip, skip + size);
    const next = skip + size < all.length ? new URL(url) : undefined;
    next?.searchParams.set('$skiptoken', String(skip + size));
    return this.#send(res, 200, {
      '@odata.context': `${this.url}/v1.0/$metadata#Referrals`,
      '@odata.count': page.length,
      value: page,
      ...(next && { '@odata.nextLink': next.toString() }),
    });
  }
}
