// The digest timer (bot/timers/digest.ts) against a real LowdbStore on a temp dir, with a fake clock and
// fake timers: a slot queues one digest per channel with something new to say, exactly once (two
// wake-ups, a restart, a reopened store), a slot missed on another day is skipped, nothing new →
// nothing queued; the queued item renders (bot/outbox/render.ts) into a valid card. Plus the
// DIGEST_AT config errors.

import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { channelKey, type ConversationTarget } from '../../../storage/bot-state-reads.js';
import { ConfigError, readConfig } from '../../../bot/config.js';
import { dueSlot, DigestTimer, parseDigestParams } from '../../../bot/timers/digest.js';
import { createLogger } from '../../../bot/logger.js';
import { renderOutboxItem } from '../../../bot/outbox/render.js';
import { parseDigestAt } from '../../../referrals/digest-schedule.js';
import type { Actor, Referral } from '../../../referrals/model.js';
import { DEFAULT_POLICY } from '../../../referrals/policy.js';
import type { Route } from '../../../referrals/routing.js';
import { LowdbStore } from '../../../storage/lowdb-store.js';
import type { OutboxItem, ReferralRecord } from '../../../storage/store.js';
import { cardProblems, shown } from '../../support/cards.js';
import { lifecycleRfi } from '../../support/lifecycle.js';
import { tell } from '../../support/story.js';
import { UTC_DISPLAY } from '../../../cards/display.js';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SCHEDULE = parseDigestAt('09:00 Mon-Fri Europe/Berlin');
/** Monday 2 March 2026, 09:00 in Berlin (CET). */
const MON_SLOT = Date.parse('2026-03-02T08:00:00.000Z');
const ALICE: Actor = { id: 'aad-alice', name: 'Alice Seller' };
const EMEA = channelKey('19:emea@thread.tacv2');
const GENERAL = channelKey('19:general@thread.tacv2');

function channel(key: string, active = true): ConversationTarget {
  return {
    key,
    kind: 'channel',
    reference: {
      serviceUrl: 'http://127.0.0.1:1',
      channelId: 'msteams',
      conversation: { id: key.slice('channel:'.length), conversationType: 'channel' },
      bot: { id: '28:bot' },
    },
    active,
    updatedAt: new Date(MON_SLOT - 10 * DAY).toISOString(),
  };
}

const route = (target: string): Route => ({ id: `route-${target}`, target, filters: {}, createdAt: new Date(MON_SLOT - 10 * DAY).toISOString() });

function record(referral: Referral, target: string): ReferralRecord {
  return { referral, outbox: [], card: { target, activityId: `post-${referral.id}`, shownVersion: referral.version } };
}

const digestItems = (store: LowdbStore): OutboxItem[] => store.readState().outbox.filter((item) => item.message.key === 'digest');
const digestParamsOf = (item: OutboxItem) => (item.message.key === 'digest' ? item.message.params : undefined);

describe('digest timer', () => {
  let dir: string;
  let store: LowdbStore;
  const timers: DigestTimer[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'referral-desk-digest-'));
    store = new LowdbStore({ dataDir: dir });
    await store.open();
    await store.updateState((state) => ({
      state: {
        ...state,
        conversations: { [EMEA]: channel(EMEA), [GENERAL]: channel(GENERAL), 'channel:19:gone@thread.tacv2': channel('channel:19:gone@thread.tacv2', false) },
        routes: [route(EMEA), route(GENERAL), route('channel:19:gone@thread.tacv2')],
      },
      result: undefined,
    }));
  });
  afterEach(async () => {
    for (const timer of timers.splice(0)) await timer.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function digest(time: FakeClock, onQueued?: () => void): DigestTimer {
    const timer = new DigestTimer({
      store,
      policy: DEFAULT_POLICY,
      schedule: SCHEDULE,
      clock: time,
      log: createLogger('silent'),
      setTimer: time.setTimer,
      clearTimer: time.clearTimer,
      ...(onQueued && { onQueued }),
    });
    timers.push(timer);
    return timer;
  }

  /** EMEA: one overdue-by-close-date deal (accepted a week before), one RFI received on Sunday. */
  async function seedEmea(): Promise<void> {
    const policy = DEFAULT_POLICY;
    const deal = tell(
      lifecycleRfi({ id: 'deal', customerProfile: { name: 'Fabrikam' } }),
      new Date(MON_SLOT - 9 * DAY),
      [
        [
          new Date(MON_SLOT - 9 * DAY + HOUR),
          { type: 'accept', actor: ALICE, fields: { dealValue: 5000, currency: 'EUR', closingDateTime: '2026-02-27T00:00:00.000Z' }, contacts: [] },
        ],
      ],
      new Date(MON_SLOT),
      policy,
    );
    const fresh = tell(lifecycleRfi({ id: 'fresh', customerProfile: { name: 'Contoso' } }), new Date(MON_SLOT - 20 * HOUR), [], new Date(MON_SLOT), policy);
    await store.importRecords([record(deal, EMEA), record(fresh, EMEA)]);
  }

  it("dueSlot: the latest slot, only while it is today's (or within the grace), and only once", () => {
    const slot = new Date(MON_SLOT).toISOString();
    expect(dueSlot(SCHEDULE, new Date(MON_SLOT - 1), undefined)?.toISOString()).to.equal(undefined); // Friday's is not today's
    expect(dueSlot(SCHEDULE, new Date(MON_SLOT), undefined)?.toISOString()).to.equal(slot);
    expect(dueSlot(SCHEDULE, new Date(MON_SLOT + 14 * HOUR), undefined)?.toISOString()).to.equal(slot); // 23:00 Berlin
    expect(dueSlot(SCHEDULE, new Date(MON_SLOT + 15 * HOUR + 30 * 60_000), undefined)).to.equal(undefined); // 00:30 Tue: yesterday's
    // A slot just before midnight still fires just after it (CATCH_UP_GRACE_MS), not later.
    const late = parseDigestAt('23:50 Mon-Fri Europe/Berlin');
    const lateSlot = Date.parse('2026-03-02T22:50:00.000Z');
    expect(dueSlot(late, new Date(lateSlot + 30 * 60_000), undefined)?.toISOString()).to.equal(new Date(lateSlot).toISOString());
    expect(dueSlot(late, new Date(lateSlot + 2 * HOUR), undefined)).to.equal(undefined);
    expect(dueSlot(SCHEDULE, new Date(MON_SLOT + HOUR), slot)).to.equal(undefined); // done
  });

  it('queues one digest per channel with something to say, at the slot, and records the slot', async () => {
    await seedEmea();
    const time = fakeClock(MON_SLOT - 30 * 60_000);
    let woken = 0;
    const timer = digest(time, () => woken++);
    timer.start();
    await time.advanceTo(MON_SLOT - 1, timer);
    expect(digestItems(store)).to.deep.equal([]);
    await time.advanceTo(MON_SLOT + 60_000, timer);
    const items = digestItems(store);
    expect(items.map((item) => [item.kind, item.target])).to.deep.equal([['channelMessage', EMEA]]); // GENERAL has nothing; "gone" is inactive
    expect(woken).to.equal(1);
    const params = parseDigestParams(digestParamsOf(items[0]!))!;
    expect(params.slot).to.equal(new Date(MON_SLOT).toISOString());
    expect(params.since).to.equal(new Date(MON_SLOT - 3 * DAY).toISOString()); // the slot before: Friday
    expect(params.content.attention.map((item) => `${item.id}:${item.category}`)).to.deep.equal(['fresh:dueToday', 'deal:closeDatePassed']);
    expect(params.content.changes.map((item) => `${item.id}:${item.kind}`)).to.deep.equal(['fresh:received']);
    expect((store.readState()['digest'] as { lastSlot: string }).lastSlot).to.equal(new Date(MON_SLOT).toISOString());

    // Rendered at send time into a valid card, in the channel's language.
    await store.updateState((state) => ({ state: { ...state, settings: { [EMEA]: { locale: 'ru' } } }, result: undefined }));
    const message = renderOutboxItem(items[0]!, undefined, store.readState(), {
      defaultLocale: 'en',
      policy: DEFAULT_POLICY,
      display: UTC_DISPLAY,
      now: time(),
    });
    const card = message!.attachments![0]!.content;
    expect(cardProblems(card)).to.deep.equal([]);
    expect(shown(card)).to.include('Сводка').and.include('Fabrikam').and.include('Contoso');
  });

  it('exactly once per slot: two wake-ups at once, a second timer (restart), a reopened store', async () => {
    await seedEmea();
    const time = fakeClock(MON_SLOT + HOUR);
    const first = digest(time);
    const [a, b] = await Promise.all([first.tick(), first.tick()]);
    expect([a?.outcome, b?.outcome].filter((outcome) => outcome === 'queued')).to.have.length(1);
    expect(digestItems(store)).to.have.length(1);
    await first.stop();

    const restarted = digest(time);
    restarted.start();
    await restarted.whenIdle();
    expect(await restarted.tick()).to.equal(undefined);
    expect(digestItems(store)).to.have.length(1);
    await restarted.stop();

    await store.close();
    store = new LowdbStore({ dataDir: dir });
    await store.open();
    const reopened = digest(time);
    reopened.start();
    await reopened.whenIdle();
    expect(digestItems(store)).to.have.length(1);
  });

  it('a slot missed on an earlier day is skipped; the next one reports what changed since the last digest', async () => {
    await seedEmea();
    const time = fakeClock(MON_SLOT + HOUR);
    await digest(time).tick();
    expect(digestItems(store)).to.have.length(1);
    // Down from Monday to Wednesday 08:30 Berlin: Tuesday's slot is not today's any more.
    const wed = MON_SLOT + 2 * DAY;
    await store.updateState((state) => ({ state: { ...state, outbox: [] }, result: undefined }));
    const accepted = tell(
      lifecycleRfi({ id: 'late', customerProfile: { name: 'Northwind' } }),
      new Date(MON_SLOT + 2 * HOUR),
      [
        [
          new Date(MON_SLOT + 26 * HOUR),
          { type: 'accept', actor: ALICE, fields: { dealValue: 700, currency: 'USD', closingDateTime: '2026-04-30T00:00:00.000Z' }, contacts: [] },
        ],
      ],
      new Date(wed - 30 * 60_000),
      DEFAULT_POLICY,
    );
    await store.importRecords([record(accepted, GENERAL)]);
    time.set(wed - 30 * 60_000);
    const timer = digest(time);
    timer.start();
    await timer.whenIdle();
    expect(digestItems(store)).to.deep.equal([]);
    await time.advanceTo(wed + 60_000, timer);
    const items = digestItems(store);
    expect(items.map((item) => item.target).sort()).to.deep.equal([EMEA, GENERAL].sort());
    const general = parseDigestParams(digestParamsOf(items.find((item) => item.target === GENERAL)!))!;
    expect(general.since).to.equal(new Date(MON_SLOT).toISOString());
    expect(general.content.changes.map((item) => `${item.id}:${item.kind}`)).to.deep.equal(['late:accepted']);
    // EMEA: nothing changed, but "fresh" is overdue now (it was due today on Monday): a new list.
    const emea = parseDigestParams(digestParamsOf(items.find((item) => item.target === EMEA)!))!;
    expect(emea.content.changes).to.deep.equal([]);
    expect(emea.content.attention.map((item) => `${item.id}:${item.category}`)).to.deep.equal(['fresh:overdue', 'deal:closeDatePassed']);
  });

  it('nothing new to say: no item, the slot still counts as done', async () => {
    await seedEmea();
    const time = fakeClock(MON_SLOT + 2 * DAY + HOUR); // Wednesday
    await digest(time).tick();
    expect(digestItems(store)).to.have.length(1);
    await store.updateState((state) => ({ state: { ...state, outbox: [] }, result: undefined }));
    time.set(MON_SLOT + 3 * DAY + HOUR); // Thursday: same attention list, no change
    const run = await digest(time).tick();
    expect(run).to.deep.equal({ slot: new Date(MON_SLOT + 3 * DAY).toISOString(), outcome: 'queued', channels: [] });
    expect(digestItems(store)).to.deep.equal([]);
    expect((store.readState()['digest'] as { lastSlot: string }).lastSlot).to.equal(new Date(MON_SLOT + 3 * DAY).toISOString());
  });

  it('DIGEST_AT: empty is off; a bad value stops start-up naming DIGEST_AT', () => {
    expect(readConfig({}).digestSchedule).to.equal(undefined);
    expect(readConfig({ DIGEST_AT: '08:30 Mon,Thu UTC' }).digestSchedule).to.deep.include({ minuteOfDay: 510, days: ['Mon', 'Thu'], timeZone: 'UTC' });
    for (const bad of ['09:00', '9 Mon UTC', '09:00 Mon Nowhere/City', '09:00 Someday UTC']) {
      expect(() => readConfig({ DIGEST_AT: bad }), bad).to.throw(ConfigError, /^Invalid configuration: DIGEST_AT: /);
    }
  });
});
