// POST /api/partner-center/events: Partner Center's webhook (docs/architecture.md#partner-center).
// The signature is checked over the raw body before anything else (401, nothing fetched); then the
// envelope (400); a referral event is recorded durably and answered 200, and the referral is
// fetched afterwards by the event fetcher. Unknown events are answered 200 and ignored. A refusal
// tells the caller nothing of why (the log does, at most once a minute, with how many there were).

import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { referralIdProblem } from '../../referrals/referral-id.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { INBOX_MAX, linkState, withLinkState } from '../partner-center/link-state.js';
import { WebhookSignatureError, type WebhookSignatureVerifier } from '../partner-center/webhook-signature.js';
import type { Store } from '../../storage/store.js';
import { parseJsonBytes, rawBody } from './body-reader.js';
import { sendError } from './errors.js';

export const EVENTS_PATH = '/api/partner-center/events';
const EVENTS_MAX_BYTES = 16 * 1024;
const REFERRAL_EVENTS = new Set(['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated']);

const envelope = z.object({
  EventName: z.string().min(1).max(100),
  ResourceUri: z.string().min(1).max(2048),
  ResourceName: z.string().max(100).optional(),
  AuditUri: z.string().max(2048).nullable().optional(),
  ResourceChangeUtcDate: z.string().max(100).optional(),
});

/** The referral id at the end of a `…/referrals/<id>` URI's path; the URI itself is never followed. */
export function referralIdOf(resourceUri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(resourceUri);
  } catch {
    return undefined;
  }
  const match = /\/referrals\/([^/]+)\/?$/.exec(url.pathname);
  if (!match) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  return referralIdProblem(id) === undefined ? id : undefined;
}

export interface EventsRouteDeps {
  store: Store;
  verifier: WebhookSignatureVerifier;
  clock: Clock;
  log: Logger;
  /** Called after an event is recorded: the fetcher takes it from there. */
  onRecorded: () => void;
}

const REFUSALS_LOGGED_EVERY_MS = 60_000;

/** One warn line a minute at most for refused deliveries: a flood of forged ones must not flood the log. */
function refusalLog(deps: EventsRouteDeps): (reason: string, from: string | undefined) => void {
  let loggedAt = -Infinity;
  let unlogged = 0;
  return (reason, from) => {
    unlogged++;
    const now = deps.clock().getTime();
    if (now - loggedAt < REFUSALS_LOGGED_EVERY_MS) return;
    deps.log.warn('partner center: webhook refused', { reason, from, refusedSinceLastLine: unlogged });
    loggedAt = now;
    unlogged = 0;
  };
}

export function mountPartnerCenterEventsRoute(server: Server, deps: EventsRouteDeps): void {
  const logRefusal = refusalLog(deps);
  server.post(EVENTS_PATH, rawBody(EVENTS_MAX_BYTES), async (req: Request, res: Response) => {
    const bytes = req.body as Buffer;
    try {
      await deps.verifier.verify(req.headers, bytes);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      logRefusal(error.message, req.socket.remoteAddress);
      sendError(res, 401, 'the signature is not valid');
      return;
    }
    const parsed = parseJsonBytes(bytes, req.header('content-type'), 4);
    if (!parsed.ok) {
      sendError(res, parsed.status, parsed.message);
      return;
    }
    const event = envelope.safeParse(parsed.value);
    if (!event.success) {
      sendError(res, 400, 'not a Partner Center event envelope', {
        details: event.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
      return;
    }
    const { EventName: eventName, ResourceUri: resourceUri } = event.data;
    if (!REFERRAL_EVENTS.has(eventName)) {
      deps.log.info('partner center: event ignored', { event: eventName });
      res.send(200, { ok: true, ignored: eventName });
      return;
    }
    const referralId = referralIdOf(resourceUri);
    if (referralId === undefined) {
      sendError(res, 400, 'ResourceUri does not name a referral (…/referrals/<id>)');
      return;
    }
    const now = deps.clock().toISOString();
    const recorded = await deps.store.updateState((state) => {
      const link = linkState(state);
      // One pending fetch per referral is enough, if it reads the referral after this event: a
      // newer receipt time keeps a fetch already under way from settling it (event-fetcher.ts).
      const pending = link.inbox.findIndex((event) => event.referralId === referralId);
      if (pending !== -1) {
        const inbox = link.inbox.map((event, index) => (index === pending ? { ...event, eventName, receivedAt: now } : event));
        return { state: withLinkState(state, { ...link, inbox, lastWebhookAt: now }), result: true };
      }
      if (link.inbox.length >= INBOX_MAX) return { result: false };
      const inbox = [...link.inbox, { referralId, eventName, receivedAt: now, attempts: 0 }];
      return { state: withLinkState(state, { ...link, inbox, lastWebhookAt: now }), result: true };
    });
    if (!recorded) {
      // Not recorded, so not acknowledged: Partner Center delivers it again later.
      res.setHeader('retry-after', '60');
      sendError(res, 503, 'too many events are waiting to be fetched; try again later');
      return;
    }
    deps.onRecorded();
    res.send(200, { ok: true, referralId });
  });
}
