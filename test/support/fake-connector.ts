/**
 * A local fake of the Teams connector service (the Bot Framework v3 REST API the bot calls back on
 * `activity.serviceUrl`): plain `node:http` on 127.0.0.1, a free port. Paths are the ones
 * botbuilder 4.23 uses; threading, rate limits and injected failures follow Teams, and the SDK
 * client retries against it as against Teams: docs/architecture.md#test-kit.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Types

export type ConnectorOp =
  | 'createConversation'
  | 'getConversations'
  | 'sendToConversation'
  | 'sendConversationHistory'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'getActivityMembers'
  | 'getConversationMembers'
  | 'getConversationMember'
  | 'getConversationPagedMembers'
  | 'deleteConversationMember'
  | 'uploadAttachment'
  | 'fetchChannelList'
  | 'fetchTeamDetails'
  | 'unknown';

/** A JSON activity as received (loosely typed on purpose: it is whatever the bot sent). */
export type JsonActivity = Record<string, any>;

export interface StatusFault {
  /** HTTP status to serve, e.g. 429, 412, 403, 404, 500, 502, 503, 504. */
  status: number;
  /** Teams error code in the body; defaults per status (429 TooManyRequests, 403 BotNotInConversationRoster, 404 ConversationNotFound, ...). */
  code?: string;
  message?: string;
  /** Seconds for the `Retry-After` header (429 default 1; any status may carry it). Fractions are
   *  allowed to keep tests fast (the SDK parses them); real Teams sends whole seconds. */
  retryAfter?: number;
  headers?: Record<string, string>;
}
export interface TimeoutFault {
  /** Hold the response this long (ms) — longer than the client waits. If the client is still
   *  connected afterwards it gets the normal answer (applied) or 504 GatewayTimeout (not applied). */
  timeout: number;
  /** Whether the operation takes effect anyway (the ambiguous "it was posted but you never heard"). Default false. */
  applied?: boolean;
}
export interface DropFault {
  /** Destroy the socket without any response (client sees ECONNRESET / "socket hang up"). */
  drop: true;
  /** Whether the operation takes effect before the drop. Default false. */
  applied?: boolean;
}
export type Fault = StatusFault | TimeoutFault | DropFault;

export interface MatcherObject {
  /** string: prefix of the (decoded) conversation id; RegExp: tested against it. */
  conversationId?: string | RegExp;
  method?: string | string[];
  op?: ConnectorOp | ConnectorOp[];
  activityId?: string;
  /** string: prefix of the raw path; RegExp: tested against the decoded path. */
  path?: string | RegExp;
}
/** A string is a conversation id prefix. */
export type RequestMatcher = string | RegExp | MatcherObject | ((req: RecordedRequest) => boolean);

export type Outcome = 'pending' | 'ok' | 'error' | 'fault' | 'throttled' | 'dropped';

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path as received (URL-encoded), without query string. */
  path: string;
  /** Path with each segment decoded. */
  decodedPath: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  op: ConnectorOp;
  /** Decoded conversation id from the path; for createConversation the target channel id, if any. */
  conversationId?: string;
  /** Path activity id (reply/update/delete). */
  activityId?: string;
  /** body.replyToId, or the path activity id for replyToActivity. */
  replyToId?: string;
  memberId?: string;
  teamId?: string;
  /** Parsed JSON body (undefined when none). */
  body: any;
  /** Arrival time (options.now()). */
  at: number;
  /** Status served; 0 while pending or when no response was sent (drop / client gone). */
  status: number;
  outcome: Outcome;
  /** JSON body served. */
  response?: unknown;
  fault?: Fault;
  /** Which limit produced an enforced 429, e.g. 'thread 7/1000ms' or 'tenant 50/1000ms'. */
  throttledBy?: string;
  retryAfterSeconds?: number;
  /** Id of the message created (posts, replies, createConversation with activity) or updated/deleted. */
  messageId?: string;
  /** For new messages: whether it landed as a reply inside an existing channel thread. */
  isThreadReply?: boolean;
}

export interface StoredMessage {
  id: string;
  /** Conversation the message lives in: channel threads as `<channelId>;messageid=<rootId>`. */
  conversationId: string;
  /** Conversation id without `;messageid=`. */
  baseConversationId: string;
  /** Root activity id of the channel thread (its own id for a root post); undefined in chats. */
  threadRootId?: string;
  isThreadReply: boolean;
  /** Latest state: the posted activity, replaced by each update (Teams replaces, it does not merge). */
  activity: JsonActivity;
  /** Every state in order: [posted, update1, update2, ...]. */
  versions: JsonActivity[];
  deleted: boolean;
  /** seq of the request that created it. */
  createdBySeq: number;
}

export interface FakeMember {
  id: string;
  name?: string;
  aadObjectId?: string;
  givenName?: string;
  surname?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
  [k: string]: unknown;
}
export interface FakeChannel {
  id: string;
  /** General has no name in Teams' API; give it one in fixtures anyway if you like. */
  name?: string;
  type?: string;
}
export interface FakeTeam {
  id: string;
  name?: string;
  aadGroupId?: string;
  tenantId?: string;
  channels?: FakeChannel[];
  members?: FakeMember[];
}

export interface LimitRule {
  windowMs: number;
  max: number;
}

export interface FakeConnectorOptions {
  /** Enforce Teams rate limits (429 + Retry-After). Default false. */
  enforceLimits?: boolean;
  /** Override the per-thread limits (default TEAMS_THREAD_LIMITS). */
  threadLimits?: LimitRule[];
  /** Override the per-tenant limits (default TEAMS_TENANT_LIMITS). */
  tenantLimits?: LimitRule[];
  /** Latency added before each response, ms (fixed or per request). Default 0. */
  latencyMs?: number | ((req: RecordedRequest) => number);
  /** Clock for `at` and rate limits (ms). Default Date.now. Pass a manual clock to test long windows. */
  now?: () => number;
  /** Members returned for any conversation without its own list. */
  members?: FakeMember[];
  /** Teams known to the fake (channel list, team details, team members). */
  teams?: FakeTeam[];
  /** Tenant used for the per-tenant limit when a request does not reveal one. Default 'default'. */
  tenantId?: string;
  /** Accept updates/deletes of activity ids the fake never created. Default false (404 NotFound). */
  allowUnknownActivities?: boolean;
  /** First generated activity id (numeric, like Teams' millisecond ids). Default Date.now(). */
  firstActivityId?: number;
}

export interface FaultHandle {
  readonly fault: Fault;
  /** How many requests it has been served to. */
  readonly served: number;
  /** How many more it will serve (Infinity for unlimited). */
  readonly remaining: number;
  cancel(): void;
}

export interface FakeConnector {
  /** serviceUrl to put in activities and conversation references, e.g. http://127.0.0.1:PORT/ */
  readonly url: string;
  readonly port: number;
  /** All requests in arrival order (live array; faulted and throttled ones included). */
  readonly requests: RecordedRequest[];
  /** Number of 429s served (enforced + injected). */
  readonly throttledCount: number;
  /** Number of 429s served by enforced limits only. */
  readonly enforcedThrottleCount: number;

  /** Successful new top-level messages: channel thread roots (send/reply to the bare channel id,
   *  createConversation with an activity) and messages in personal / group chats. */
  posts(): RecordedRequest[];
  /** Successful new messages inside an existing channel thread: sendToConversation or
   *  replyToActivity to `<channelId>;messageid=<root>`. */
  replies(): RecordedRequest[];
  /** posts() and replies() together, in order. */
  newMessages(): RecordedRequest[];
  /** Successful updateActivity requests (optionally for one activity id). */
  updates(activityId?: string): RecordedRequest[];
  /** Successful deleteActivity requests. */
  deletes(): RecordedRequest[];
  /** Requests of one operation (any outcome). */
  byOp(op: ConnectorOp): RecordedRequest[];

  /** Stored message by activity id. */
  message(activityId: string): StoredMessage | undefined;
  messages(): StoredMessage[];
  /** Latest activity state (post, then updates applied) by activity id. */
  latest(activityId: string): JsonActivity | undefined;
  /** Latest Adaptive Card content (first `application/vnd.microsoft.card.adaptive` attachment). */
  card(activityId: string): any;
  /** Every card state of a message: posted, then each update. */
  cardVersions(activityId: string): any[];
  /** Messages posted as replies in the thread with this root id, in order. */
  threadReplies(rootActivityId: string): StoredMessage[];

  /** Poll the recorded requests until predicate returns truthy; resolves with its value. */
  waitFor<T>(predicate: (requests: RecordedRequest[], fake: FakeConnector) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  /** Inject a fault for the next `times` matching requests (default 1; Infinity allowed). */
  fail(matcher: RequestMatcher, fault: Fault, times?: number): FaultHandle;
  clearFaults(): void;
  /** Set members for one conversation or team id (base id, without `;messageid=`). */
  setMembers(conversationOrTeamId: string, members: FakeMember[]): void;
  /** Toggle limit enforcement at run time. */
  setEnforceLimits(on: boolean): void;
  /** Forget requests, messages, faults, limiter windows and counters (keeps teams/members/options). */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Rate limiter

/** Teams: per bot per thread. */
export const TEAMS_THREAD_LIMITS: readonly LimitRule[] = Object.freeze([
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
]);
/** Teams: per app per tenant. */
export const TEAMS_TENANT_LIMITS: readonly LimitRule[] = Object.freeze([{ windowMs: 1_000, max: 50 }]);

export type LimitDecision = { ok: true } | { ok: false; retryAfterMs: number; rule: LimitRule };

/**
 * Sliding-window log limiter. A request at time t is inside a window w when its timestamp > t - w.
 * check() does not record; record() consumes quota.
 */
export class SlidingWindowLimiter {
  private readonly log = new Map<string, number[]>();
  private readonly maxWindow: number;

  constructor(readonly rules: readonly LimitRule[]) {
    this.maxWindow = Math.max(0, ...rules.map((r) => r.windowMs));
  }

  check(key: string, now: number): LimitDecision {
    const ts = this.prune(key, now);
    let worst: { retryAfterMs: number; rule: LimitRule } | undefined;
    for (const rule of this.rules) {
      // timestamps within (now - windowMs, now]
      let first = ts.length;
      while (first > 0 && ts[first - 1]! > now - rule.windowMs) first--;
      const inWindow = ts.length - first;
      if (inWindow >= rule.max) {
        // allowed again once the (inWindow - max + 1)-th oldest in the window has left it
        const leaving = ts[ts.length - rule.max]!;
        const retryAfterMs = leaving + rule.windowMs - now;
        if (!worst || retryAfterMs > worst.retryAfterMs) worst = { retryAfterMs, rule };
      }
    }
    return worst ? { ok: false, ...worst } : { ok: true };
  }

  record(key: string, now: number): void {
    const ts = this.prune(key, now);
    // keep sorted even with a manual clock that went backwards
    let i = ts.length;
    while (i > 0 && ts[i - 1]! > now) i--;
    ts.splice(i, 0, now);
  }

  /** Accepted requests for key within the last windowMs. */
  count(key: string, windowMs: number, now: number): number {
    return (this.log.get(key) ?? []).filter((t) => t > now - windowMs && t <= now).length;
  }

  reset(): void {
    this.log.clear();
  }

  private prune(key: string, now: number): number[] {
    let ts = this.log.get(key);
    if (!ts) {
      ts = [];
      this.log.set(key, ts);
    }
    let drop = 0;
    while (drop < ts.length && ts[drop]! <= now - this.maxWindow) drop++;
    if (drop) ts.splice(0, drop);
    return ts;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

const CARD = 'application/vnd.microsoft.card.adaptive';
const MESSAGEID = ';messageid=';

export function splitThreadId(conversationId: string): { base: string; rootId?: string } {
  const i = conversationId.indexOf(MESSAGEID);
  if (i < 0) return { base: conversationId };
  return { base: conversationId.slice(0, i), rootId: conversationId.slice(i + MESSAGEID.length) };
}

/** The personal (1:1) chat id the fake returns from createConversation for a user: stable per user,
 *  shaped like Teams' `a:1...` ids. Fixtures use the same function so incoming personal messages match. */
export function personalConversationIdFor(userId: string): string {
  return `a:1${Buffer.from(userId).toString('base64url')}`;
}

/** Channel conversations (threaded) as opposed to personal (`a:...`) and group chats (`19:...@thread.v2`). */
export function isChannelConversation(baseId: string): boolean {
  return /@thread\.(tacv2|skype)$/i.test(baseId);
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['BadArgument', 'Bad request.'],
  403: ['BotNotInConversationRoster', 'The bot is not part of the conversation roster.'],
  404: ['ConversationNotFound', 'Conversation not found.'],
  408: ['RequestTimeout', 'Request timed out.'],
  412: ['PreconditionFailed', 'Precondition failed, please try again.'],
  429: ['TooManyRequests', 'Too many requests. Please retry after the time in the Retry-After header.'],
  500: ['InternalServerError', 'An internal server error occurred.'],
  502: ['BadGateway', 'Bad gateway.'],
  503: ['ServiceUnavailable', 'Service is unavailable.'],
  504: ['GatewayTimeout', 'Gateway timeout.'],
};
const CODE_MESSAGES: Record<string, string> = {
  BotNotInConversationRoster: 'The bot is not part of the conversation roster.',
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
  ConversationNotFound: 'Conversation not found.',
};

export function teamsError(status: number, code?: string, message?: string): { error: { code: string; message: string } } {
  const [defCode, defMsg] = DEFAULT_CODES[status] ?? ['Error', `HTTP ${status}`];
  const c = code ?? defCode;
  return { error: { code: c, message: message ?? CODE_MESSAGES[c] ?? defMsg } };
}

function isStatusFault(f: Fault): f is StatusFault {
  return typeof (f as StatusFault).status === 'number';
}
function isTimeoutFault(f: Fault): f is TimeoutFault {
  return typeof (f as TimeoutFault).timeout === 'number';
}

function matches(m: RequestMatcher, r: RecordedRequest): boolean {
  if (typeof m === 'function') return m(r);
  if (typeof m === 'string') return r.conversationId !== undefined && r.conversationId.startsWith(m);
  if (m instanceof RegExp) return r.conversationId !== undefined && m.test(r.conversationId);
  if (m.conversationId !== undefined) {
    if (r.conversationId === undefined) return false;
    if (typeof m.conversationId === 'string' ? !r.conversationId.startsWith(m.conversationId) : !m.conversationId.test(r.conversationId)) return false;
  }
  if (m.method !== undefined) {
    const ms = (Array.isArray(m.method) ? m.method : [m.method]).map((x) => x.toUpperCase());
    if (!ms.includes(r.method)) return false;
  }
  if (m.op !== undefined && !(Array.isArray(m.op) ? m.op : [m.op]).includes(r.op)) return false;
  if (m.activityId !== undefined && r.activityId !== m.activityId) return false;
  if (m.path !== undefined && (typeof m.path === 'string' ? !r.path.startsWith(m.path) : !m.path.test(r.decodedPath))) return false;
  return true;
}

function firstCard(activity: JsonActivity | undefined): any {
  const atts = activity?.attachments;
  if (!Array.isArray(atts)) return undefined;
  return atts.find((a: any) => a?.contentType === CARD)?.content;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface ActiveFault {
  matcher: RequestMatcher;
  fault: Fault;
  remaining: number;
  served: number;
}

// ---------------------------------------------------------------------------------------------
// The fake

export async function startFakeConnector(options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  const now = options.now ?? Date.now;
  const defaultTenant = options.tenantId ?? 'default';
  let enforce = options.enforceLimits ?? false;
  const threadLimiter = new SlidingWindowLimiter(options.threadLimits ?? TEAMS_THREAD_LIMITS);
  const tenantLimiter = new SlidingWindowLimiter(options.tenantLimits ?? TEAMS_TENANT_LIMITS);

  const requests: RecordedRequest[] = [];
  const messages = new Map<string, StoredMessage>();
  const personalChats = new Map<string, string>();
  const conversationTenants = new Map<string, string>();
  const memberLists = new Map<string, FakeMember[]>();
  const teams = new Map<string, FakeTeam>();
  for (const t of options.teams ?? []) {
    teams.set(t.id, t);
    if (t.members) memberLists.set(t.id, t.members);
    if (t.tenantId) {
      conversationTenants.set(t.id, t.tenantId);
      for (const c of t.channels ?? []) conversationTenants.set(c.id, t.tenantId);
    }
  }
  let faults: ActiveFault[] = [];
  let seq = 0;
  let nextId = options.firstActivityId ?? Date.now();
  let throttled = 0;
  let enforcedThrottled = 0;
  const held = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const newActivityId = () => String(nextId++);

  function membersFor(conversationId: string): FakeMember[] {
    const { base } = splitThreadId(conversationId);
    const direct = memberLists.get(base);
    if (direct) return direct;
    // a channel of a known team → the team's members
    for (const t of teams.values()) {
      if (t.id === base || t.channels?.some((c) => c.id === base)) {
        const m = memberLists.get(t.id);
        if (m) return m;
      }
    }
    return options.members ?? [];
  }

  function toWire(m: FakeMember): Record<string, unknown> {
    // Teams' v3 member payload uses objectId; TeamsInfo.getMembers copies objectId → aadObjectId.
    const out: Record<string, unknown> = { ...m };
    if (m.aadObjectId && out.objectId === undefined) out.objectId = m.aadObjectId;
    return out;
  }

  function tenantOf(r: RecordedRequest): string {
    const b = r.body ?? {};
    const fromBody: unknown =
      b?.conversation?.tenantId ?? b?.channelData?.tenant?.id ?? b?.tenantId ?? b?.activity?.conversation?.tenantId ?? b?.activity?.channelData?.tenant?.id;
    const conv = r.conversationId ? splitThreadId(r.conversationId).base : undefined;
    if (typeof fromBody === 'string' && fromBody) {
      if (conv) conversationTenants.set(conv, fromBody);
      return fromBody;
    }
    if (conv && conversationTenants.has(conv)) return conversationTenants.get(conv)!;
    if (r.teamId && conversationTenants.has(r.teamId)) return conversationTenants.get(r.teamId)!;
    return defaultTenant;
  }

  function threadKey(r: RecordedRequest): string {
    if (r.conversationId) return r.conversationId;
    if (r.teamId) return `team:${r.teamId}`;
    const m = r.body?.members?.[0]?.id;
    return typeof m === 'string' ? m : '(none)';
  }

  function classify(method: string, segs: string[]): Partial<RecordedRequest> & { op: ConnectorOp } {
    // segs: decoded path segments without the leading empty one
    const [v, coll, id, sub, sub2, sub3] = segs;
    if (v !== 'v3') return { op: 'unknown' };
    if (coll === 'conversations') {
      if (id === undefined) return { op: method === 'POST' ? 'createConversation' : method === 'GET' ? 'getConversations' : 'unknown' };
      const conversationId = id;
      if (sub === undefined) return { op: 'unknown', conversationId };
      if (sub === 'activities') {
        if (sub2 === undefined) return { op: method === 'POST' ? 'sendToConversation' : 'unknown', conversationId };
        if (sub2 === 'history' && sub3 === undefined && method === 'POST') return { op: 'sendConversationHistory', conversationId };
        if (sub3 === 'members' && method === 'GET') return { op: 'getActivityMembers', conversationId, activityId: sub2 };
        if (sub3 !== undefined) return { op: 'unknown', conversationId, activityId: sub2 };
        const op: ConnectorOp =
          method === 'POST' ? 'replyToActivity' : method === 'PUT' ? 'updateActivity' : method === 'DELETE' ? 'deleteActivity' : 'unknown';
        return { op, conversationId, activityId: sub2 };
      }
      if (sub === 'members') {
        if (sub2 === undefined) return { op: method === 'GET' ? 'getConversationMembers' : 'unknown', conversationId };
        const op: ConnectorOp = method === 'GET' ? 'getConversationMember' : method === 'DELETE' ? 'deleteConversationMember' : 'unknown';
        return { op, conversationId, memberId: sub2 };
      }
      if (sub === 'pagedmembers' && method === 'GET') return { op: 'getConversationPagedMembers', conversationId };
      if (sub === 'attachments' && method === 'POST') return { op: 'uploadAttachment', conversationId };
      return { op: 'unknown', conversationId };
    }
    if (coll === 'teams' && id !== undefined && method === 'GET') {
      if (sub === undefined) return { op: 'fetchTeamDetails', teamId: id };
      if (sub === 'conversations' && sub2 === undefined) return { op: 'fetchChannelList', teamId: id };
    }
    return { op: 'unknown' };
  }

  function storeMessage(r: RecordedRequest, conversationId: string, activity: JsonActivity, replyTo?: string): StoredMessage {
    const { base, rootId } = splitThreadId(conversationId);
    const id = newActivityId();
    let threadRootId: string | undefined;
    let isThreadReply = false;
    let convId = conversationId;
    if (isChannelConversation(base)) {
      // Threading follows the conversation id alone (see the header comment), not replyToId.
      if (rootId) {
        threadRootId = rootId;
        isThreadReply = true;
      } else {
        threadRootId = id; // a new thread root
      }
      convId = `${base}${MESSAGEID}${threadRootId}`;
    }
    const stored: JsonActivity = { ...activity, id };
    if (replyTo !== undefined) stored.replyToId = replyTo;
    const m: StoredMessage = {
      id,
      conversationId: convId,
      baseConversationId: base,
      threadRootId,
      isThreadReply,
      activity: stored,
      versions: [stored],
      deleted: false,
      createdBySeq: r.seq,
    };
    messages.set(id, m);
    r.messageId = id;
    r.isThreadReply = isThreadReply;
    return m;
  }

  function unknownActivity(id: string): Reply {
    return { status: 404, body: teamsError(404, 'NotFound', `Activity ${id} not found.`) };
  }

  /** Perform the operation; effects applied. */
  function handle(r: RecordedRequest): Reply {
    const body = r.body;
    switch (r.op) {
      case 'createConversation': {
        if (!body || typeof body !== 'object') return { status: 400, body: teamsError(400, 'BadArgument', 'Missing conversation parameters.') };
        const channelId: string | undefined = body.channelData?.channel?.id;
        if (channelId) {
          if (!body.activity) {
            return { status: 400, body: teamsError(400, 'BadArgument', 'Creating a channel thread requires an activity.') };
          }
          const m = storeMessage(r, channelId, body.activity);
          return { status: 201, body: { id: m.conversationId, activityId: m.id } };
        }
        const members: any[] = Array.isArray(body.members) ? body.members : [];
        if (!body.isGroup && members.length === 1 && typeof members[0]?.id === 'string') {
          const userId: string = members[0].id;
          r.memberId = userId;
          let convId = personalChats.get(userId);
          if (!convId) {
            convId = personalConversationIdFor(userId);
            personalChats.set(userId, convId);
          }
          const tenant = body.tenantId ?? body.channelData?.tenant?.id;
          if (typeof tenant === 'string') conversationTenants.set(convId, tenant);
          if (body.activity) {
            const m = storeMessage(r, convId, body.activity);
            return { status: 201, body: { id: convId, activityId: m.id } };
          }
          return { status: 201, body: { id: convId } };
        }
        const convId = `19:${newActivityId()}@thread.v2`;
        if (body.activity) {
          const m = storeMessage(r, convId, body.activity);
          return { status: 201, body: { id: convId, activityId: m.id } };
        }
        return { status: 201, body: { id: convId } };
      }
      case 'getConversations':
        return { status: 200, body: { conversations: [] } };
      case 'sendToConversation': {
        if (!body || typeof body !== 'object') return { status: 400, body: teamsError(400, 'BadArgument', 'Missing activity.') };
        const m = storeMessage(r, r.conversationId!, body, typeof body.replyToId === 'string' ? body.replyToId : undefined);
        return { status: 201, body: { id: m.id } };
      }
      case 'sendConversationHistory':
        return { status: 201, body: { id: newActivityId() } };
      case 'replyToActivity': {
        if (!body || typeof body !== 'object') return { status: 400, body: teamsError(400, 'BadArgument', 'Missing activity.') };
        const m = storeMessage(r, r.conversationId!, body, r.activityId);
        return { status: 201, body: { id: m.id } };
      }
      case 'updateActivity': {
        const id = r.activityId!;
        r.messageId = id;
        let m = messages.get(id);
        if (!m || m.deleted) {
          if (!options.allowUnknownActivities) return unknownActivity(id);
          const { base, rootId } = splitThreadId(r.conversationId!);
          m = {
            id,
            conversationId: r.conversationId!,
            baseConversationId: base,
            threadRootId: rootId,
            isThreadReply: false,
            activity: {},
            versions: [],
            deleted: false,
            createdBySeq: r.seq,
          };
          messages.set(id, m);
        }
        const next = { ...(body ?? {}), id };
        m.activity = next;
        m.versions.push(next);
        return { status: 200, body: { id } };
      }
      case 'deleteActivity': {
        const id = r.activityId!;
        r.messageId = id;
        const m = messages.get(id);
        if (!m || m.deleted) {
          if (!options.allowUnknownActivities) return unknownActivity(id);
          return { status: 200 };
        }
        m.deleted = true;
        return { status: 200 };
      }
      case 'getActivityMembers':
      case 'getConversationMembers':
        return { status: 200, body: membersFor(r.conversationId!).map(toWire) };
      case 'getConversationMember': {
        const m = membersFor(r.conversationId!).find((x) => x.id === r.memberId || x.aadObjectId === r.memberId);
        if (!m) return { status: 404, body: teamsError(404, 'MemberNotFoundInConversation', 'The member was not found in the conversation.') };
        return { status: 200, body: toWire(m) };
      }
      case 'getConversationPagedMembers': {
        const all = membersFor(r.conversationId!);
        const size = Math.max(1, Number(r.query.pageSize ?? 500) || 500);
        const start = Number(r.query.continuationToken ?? 0) || 0;
        const page = all.slice(start, start + size).map(toWire);
        const out: Record<string, unknown> = { members: page };
        if (start + size < all.length) out.continuationToken = String(start + size);
        return { status: 200, body: out };
      }
      case 'deleteConversationMember':
        return { status: 200 };
      case 'uploadAttachment':
        return { status: 201, body: { id: `att-${newActivityId()}` } };
      case 'fetchChannelList': {
        const t = teams.get(r.teamId!);
        if (!t) return { status: 404, body: teamsError(404, 'ConversationNotFound') };
        return { status: 200, body: { conversations: (t.channels ?? [{ id: t.id }]).map((c) => ({ ...c })) } };
      }
      case 'fetchTeamDetails': {
        const t = teams.get(r.teamId!);
        if (!t) return { status: 404, body: teamsError(404, 'ConversationNotFound') };
        return {
          status: 200,
          body: {
            id: t.id,
            name: t.name,
            aadGroupId: t.aadGroupId,
            channelCount: (t.channels ?? []).length || 1,
            memberCount: (memberLists.get(t.id) ?? options.members ?? []).length,
            type: 'standard',
          },
        };
      }
      default:
        return { status: 404, body: teamsError(404, 'NotFound', `No fake route for ${r.method} ${r.decodedPath}`) };
    }
  }

  function send(res: http.ServerResponse, r: RecordedRequest, reply: Reply, outcome?: Outcome): void {
    r.status = reply.status;
    r.response = reply.body;
    r.outcome = outcome ?? (reply.status < 400 ? 'ok' : 'error');
    if (res.destroyed || res.writableEnded) {
      r.status = 0;
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | undefined;
    if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  function faultReply(f: StatusFault): Reply {
    const headers: Record<string, string> = { ...(f.headers ?? {}) };
    const retryAfter = f.retryAfter ?? (f.status === 429 ? 1 : undefined);
    if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
    return { status: f.status, body: teamsError(f.status, f.code, f.message), headers };
  }

  function takeFault(r: RecordedRequest): Fault | undefined {
    for (const af of faults) {
      if (af.remaining > 0 && matches(af.matcher, r)) {
        af.remaining--;
        af.served++;
        return af.fault;
      }
    }
    return undefined;
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let segs: string[];
    try {
      segs = url.pathname
        .split('/')
        .slice(1)
        .map((s) => decodeURIComponent(s));
    } catch {
      segs = url.pathname.split('/').slice(1);
    }
    // tolerate a doubled slash after the host (serviceUrl with a trailing slash joined naively)
    while (segs.length > 1 && segs[0] === '') segs.shift();
    const cls = classify(method, segs);
    let body: any;
    let badJson = false;
    if (raw.length) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const r: RecordedRequest = {
      seq: ++seq,
      method,
      path: url.pathname,
      decodedPath: '/' + segs.join('/'),
      query: Object.fromEntries(url.searchParams.entries()),
      headers: req.headers,
      body,
      at: now(),
      status: 0,
      outcome: 'pending',
      ...cls,
    };
    if (r.op === 'createConversation' && typeof body?.channelData?.channel?.id === 'string') r.conversationId = body.channelData.channel.id;
    if (r.op === 'replyToActivity') r.replyToId = r.activityId;
    else if (typeof body?.replyToId === 'string') r.replyToId = body.replyToId;
    requests.push(r);

    const latency = typeof options.latencyMs === 'function' ? options.latencyMs(r) : (options.latencyMs ?? 0);
    if (latency > 0) await sleep(latency);
    if (closed) return;

    if (badJson) return send(res, r, { status: 400, body: teamsError(400, 'BadSyntax', 'Request body is not valid JSON.') });

    const fault = takeFault(r);
    if (fault) {
      r.fault = fault;
      if (isStatusFault(fault)) {
        if (fault.status === 429) throttled++;
        return send(res, r, faultReply(fault), fault.status === 429 ? 'throttled' : 'fault');
      }
      if (isTimeoutFault(fault)) {
        const reply = fault.applied ? handle(r) : { status: 504, body: teamsError(504) };
        r.outcome = 'fault';
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            held.delete(t);
            resolve();
          }, fault.timeout);
          held.add(t);
          res.once('close', () => {
            if (held.delete(t)) {
              clearTimeout(t);
              resolve();
            }
          });
        });
        send(res, r, reply, 'fault');
        return;
      }
      // drop
      if (fault.applied) handle(r);
      r.outcome = 'dropped';
      r.status = 0;
      req.socket.destroy();
      return;
    }

    if (enforce) {
      const t = now();
      const tKey = threadKey(r);
      const tenant = tenantOf(r);
      const a = threadLimiter.check(tKey, t);
      const b = tenantLimiter.check(tenant, t);
      if (!a.ok || !b.ok) {
        const worst =
          !a.ok && (b.ok || a.retryAfterMs >= b.retryAfterMs)
            ? { ...a, scope: 'thread' }
            : { ...(b as Extract<LimitDecision, { ok: false }>), scope: 'tenant' };
        const secs = Math.max(1, Math.ceil(worst.retryAfterMs / 1000));
        throttled++;
        enforcedThrottled++;
        r.throttledBy = `${worst.scope} ${worst.rule.max}/${worst.rule.windowMs}ms`;
        r.retryAfterSeconds = secs;
        return send(res, r, { status: 429, body: teamsError(429), headers: { 'retry-after': String(secs) } }, 'throttled');
      }
      threadLimiter.record(tKey, t);
      tenantLimiter.record(tenant, t);
    }

    send(res, r, handle(r));
  }

  const server = http.createServer((req, res) => {
    onRequest(req, res).catch((err) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(teamsError(500, 'InternalServerError', `fake connector: ${String(err?.message ?? err)}`)));
      }
    });
  });
  server.keepAliveTimeout = 1_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;

  const ok = (r: RecordedRequest) => r.outcome === 'ok';
  const isNewMessage = (r: RecordedRequest) => ok(r) && r.messageId !== undefined && r.op !== 'updateActivity' && r.op !== 'deleteActivity';

  const fake: FakeConnector = {
    url,
    port,
    requests,
    get throttledCount() {
      return throttled;
    },
    get enforcedThrottleCount() {
      return enforcedThrottled;
    },
    posts: () => requests.filter((r) => isNewMessage(r) && !r.isThreadReply),
    replies: () => requests.filter((r) => isNewMessage(r) && r.isThreadReply === true),
    newMessages: () => requests.filter(isNewMessage),
    updates: (activityId?: string) => requests.filter((r) => ok(r) && r.op === 'updateActivity' && (activityId === undefined || r.activityId === activityId)),
    deletes: () => requests.filter((r) => ok(r) && r.op === 'deleteActivity'),
    byOp: (op) => requests.filter((r) => r.op === op),
    message: (id) => messages.get(id),
    messages: () => [...messages.values()],
    latest: (id) => messages.get(id)?.activity,
    card: (id) => firstCard(messages.get(id)?.activity),
    cardVersions: (id) => (messages.get(id)?.versions ?? []).map(firstCard),
    threadReplies: (rootId) => [...messages.values()].filter((m) => m.isThreadReply && m.threadRootId === rootId),

    async waitFor(predicate, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = predicate(requests, fake);
        if (v) return v as any;
        if (Date.now() >= deadline) {
          const summary = requests
            .slice(-20)
            .map((r) => `  #${r.seq} ${r.method} ${r.decodedPath} → ${r.status || r.outcome}`)
            .join('\n');
          throw new Error(`fake connector: waitFor timed out after ${timeoutMs} ms; ${requests.length} requests recorded (last 20):\n${summary}`);
        }
        await sleep(10);
      }
    },

    fail(matcher, fault, times = 1) {
      const af: ActiveFault = { matcher, fault, remaining: times, served: 0 };
      faults.push(af);
      return {
        fault,
        get served() {
          return af.served;
        },
        get remaining() {
          return af.remaining;
        },
        cancel() {
          af.remaining = 0;
        },
      };
    },
    clearFaults() {
      faults = [];
    },
    setMembers(id, members) {
      memberLists.set(splitThreadId(id).base, members);
    },
    setEnforceLimits(on) {
      enforce = on;
    },
    reset() {
      requests.length = 0;
      messages.clear();
      personalChats.clear();
      faults = [];
      threadLimiter.reset();
      tenantLimiter.reset();
      throttled = 0;
      enforcedThrottled = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of held) clearTimeout(t);
      held.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
  return fake;
}
