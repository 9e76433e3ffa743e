// Shared set-up of the outbox component tests: a fake Teams connector with Teams' limits on a
// faster clock, the real service with its sender on the same clock, channels and routes seeded in
// the store, and readers for what reached the fake.

import type { ConversationTarget } from '../../storage/bot-state-reads.js';
import type { SenderTuning } from '../../bot/outbox/sender.js';
import type { Route } from '../../referrals/routing.js';
import type { ReferralRecord } from '../../storage/store.js';
import {
  personalConversationIdFor,
  startFakeConnector,
  TEAMS_TENANT_LIMITS,
  TEAMS_THREAD_LIMITS,
  type FakeConnector,
  type FakeConnectorOptions,
  type LimitRule,
  type RecordedRequest,
} from './fake-connector.js';
import { postReferral, sampleRfi } from './intake-client.js';
import { removeDir, startService, tempDataDir, type TestService } from './start-service.js';
import { fixture } from './teams-activities.js';

export const TENANT = fixture.tenant.id;
export const MANAGER = fixture.manager;
/** Three channels of the fixture's team (the third one only exists here). */
export const CHANNELS = {
  general: fixture.team.general.id,
  emea: fixture.team.emea.id,
  apac: '19:a9ac0ffee5b4d2a9c7e3f8a1b2d4c6e7@thread.tacv2',
} as const;

export function scaled(rules: readonly LimitRule[], scale: number): LimitRule[] {
  return rules.map((rule) => ({ windowMs: Math.round(rule.windowMs * scale), max: rule.max }));
}

/** A fake connector enforcing Teams' per-thread and per-tenant limits, windows × `scale`. */
export function startLimitedFake(scale: number, options: FakeConnectorOptions = {}): Promise<FakeConnector> {
  return startFakeConnector({
    enforceLimits: true,
    threadLimits: scaled(TEAMS_THREAD_LIMITS, scale),
    tenantLimits: scaled(TEAMS_TENANT_LIMITS, scale),
    tenantId: TENANT,
    ...options,
  });
}

/** Sender knobs for tests: Teams' windows × `scale`, backoff from 20 ms up to 400 ms. */
export function testTuning(scale: number, extra: SenderTuning = {}): SenderTuning {
  return {
    ...extra,
    pacing: { timeScale: scale, ...extra.pacing },
    retry: { baseMs: 20, maxMs: 400, ...extra.retry },
    rescanMs: extra.rescanMs ?? 100,
  };
}

export function startTestService(dataDir: string | undefined, scale: number, env: Record<string, string> = {}, extra: SenderTuning = {}): Promise<TestService> {
  return startService({ ...(dataDir && { DATA_DIR: dataDir }), ...env }, { sender: testTuning(scale, extra) });
}

export function channelTarget(serviceUrl: string, channelId: string, channelName: string): ConversationTarget {
  return {
    key: `channel:${channelId}`,
    kind: 'channel',
    reference: {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: channelId, tenantId: TENANT, conversationType: 'channel', isGroup: true },
      bot: { id: fixture.bot.id, name: fixture.bot.name },
    },
    tenantId: TENANT,
    teamId: fixture.team.id,
    teamName: fixture.team.name,
    channelName,
    active: true,
    updatedAt: new Date().toISOString(),
  };
}

export function personalTarget(serviceUrl: string, user: { id: string; name: string; aadObjectId: string }): ConversationTarget {
  return {
    key: `user:${user.aadObjectId}`,
    kind: 'personal',
    reference: {
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: personalConversationIdFor(user.id), tenantId: TENANT, conversationType: 'personal' },
      bot: { id: fixture.bot.id, name: fixture.bot.name },
      user: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    },
    tenantId: TENANT,
    userName: user.name,
    aadObjectId: user.aadObjectId,
    active: true,
    updatedAt: new Date().toISOString(),
  };
}

let routeClock = Date.parse('2026-01-01T00:00:00Z');

export function route(channelId: string, filters: Route['filters'] = {}): Route {
  routeClock += 1000;
  return { id: `route-${routeClock}`, target: `channel:${channelId}`, filters, createdAt: new Date(routeClock).toISOString() };
}

/** Adds conversations and routes to the service's state. */
export async function seed(app: TestService, targets: ConversationTarget[], routes: Route[] = []): Promise<void> {
  await app.store.updateState((state) => ({
    state: {
      ...state,
      conversations: { ...state.conversations, ...Object.fromEntries(targets.map((target) => [target.key, target])) },
      routes: [...state.routes, ...routes],
    },
    result: undefined,
  }));
}

/** An RFI from `country` (routes filter on it). */
export function rfiFrom(id: string, country: string): Record<string, unknown> {
  const base = sampleRfi(id);
  const profile = base['customerProfile'] as Record<string, any>;
  // Created now: no reminder is due during the test (the scheduler runs too).
  return { ...base, createdDateTime: new Date().toISOString(), customerProfile: { ...profile, address: { ...profile['address'], country } } };
}

/** Takes in RFIs one after the other (so their queue order is their index order). */
export async function takeIn(app: TestService, rfis: Array<Record<string, unknown>>): Promise<void> {
  for (const rfi of rfis) {
    const response = await postReferral(app.url, rfi);
    if (response.status !== 201) throw new Error(`intake of ${String(rfi['id'])} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

/** The referral id and version an Adaptive Card's actions carry. */
export function cardRef(card: unknown): { referralId: string; version: number } | undefined {
  if (card === null || typeof card !== 'object') return undefined;
  const object = card as Record<string, unknown>;
  if (typeof object['referralId'] === 'string' && typeof object['version'] === 'number')
    return { referralId: object['referralId'], version: object['version'] };
  for (const value of Object.values(object)) {
    const found = cardRef(value);
    if (found) return found;
  }
  return undefined;
}

const CARD = 'application/vnd.microsoft.card.adaptive';

export function cardOf(request: RecordedRequest): unknown {
  return (request.body?.attachments as Array<{ contentType: string; content: unknown }> | undefined)?.find((attachment) => attachment.contentType === CARD)
    ?.content;
}

/** Successful new posts (thread roots) in `channelId`, in arrival order, as referral ids (cards only). */
export function postedReferralIds(fake: FakeConnector, channelId: string): string[] {
  return fake
    .posts()
    .filter((request) => request.conversationId === channelId)
    .flatMap((request) => {
      const ref = cardRef(cardOf(request));
      return ref ? [ref.referralId] : [];
    });
}

/** Every open record's outbox is empty and nothing is queued at bot level. */
export function outboxEmpty(app: TestService): boolean {
  return app.store.openRecords().every((record) => record.outbox.length === 0) && app.store.readState().outbox.length === 0;
}

export async function recordOf(app: TestService, id: string): Promise<ReferralRecord> {
  const record = await app.store.get(id);
  if (!record) throw new Error(`no referral ${id}`);
  return record;
}

export function counts(values: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const value of values) map.set(value, (map.get(value) ?? 0) + 1);
  return map;
}

/** What one outbox component test works with: a rate-limited fake connector, a data directory, the service. */
export interface OutboxRig {
  fake: FakeConnector;
  dataDir: string;
  app: TestService | undefined;
}

/** Registers mocha hooks that give each test a fresh rig and stop and remove it afterwards. */
export function useOutboxRig(scale: number): OutboxRig {
  const rig = {} as OutboxRig;
  beforeEach(async () => {
    rig.fake = await startLimitedFake(scale);
    rig.dataDir = await tempDataDir();
    rig.app = undefined;
  });
  afterEach(async () => {
    await rig.app?.stop();
    rig.app = undefined;
    await rig.fake.close();
    await removeDir(rig.dataDir);
  });
  return rig;
}
