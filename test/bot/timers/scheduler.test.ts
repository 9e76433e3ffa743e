// The scheduler loop against a real LowdbStore on a temp dir, with a fake clock and a fake setTimer
// (the scheduler's injectable timer) that jumps from one armed wake-up to the next: every timer of
// both flows fires once at its time, working hours, superseded timers, catch-up after downtime,
// restarts, card actions racing a timer, failures with backoff, and that a wake-up reads the heap
// only. One test runs on real timers to check the 1 s precision.

import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import type { Logger } from '../../../bot/logger.js';
import { Scheduler, type SchedulerOptions } from '../../../bot/timers/scheduler.js';
import { firingNow, nextFiring } from '../../../bot/timers/fire-times.js';
import { TimerHeap } from '../../../bot/timers/timer-heap.js';
import { applyCommand, type CommandDeps, type MessagePlanner } from '../../../bot/use-cases/apply-command.js';
import type { Command } from '../../../referrals/commands.js';
import type { Rfi } from '../../../referrals/model.js';
import { DEFAULT_POLICY, type Policy } from '../../../referrals/policy.js';
import { parseWorkingHours, type WorkingHours } from '../../../referrals/working-hours.js';
import { LowdbStore } from '../../../storage/lowdb-store.js';
import type { OutboxItem } from '../../../storage/store.js';
import { ALICE, DAY, HOUR, MINUTE, lifecycleRfi, step } from '../../support/lifecycle.js';
import { UTC_DISPLAY } from '../../../cards/display.js';
import { fakeClock, type FakeClock } from '../../support/fake-clock.js';
import { waitFor } from '../../support/wait-for.js';

/** Monday 4 March 2024, 09:00Z (10:00 in Berlin). */
const T0 = Date.parse('2024-03-04T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const SECOND = 1000;

// --- harness ------------------------------------------------------------------------------------

interface LogEntry {
  level: keyof Logger;
  message: string;
  fields?: Record<string, unknown>;
}

function memoryLog(entries: LogEntry[]): Logger {
  const at = (level: keyof Logger) => (message: string, fields?: Record<string, unknown>) => entries.push({ level, message, ...(fields && { fields }) });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

interface Planned {
  id: string;
  command: Command['type'];
  events: string[];
  at: string;
}

/** Records every planned change and queues one threadReply per timer event (like the real planner would). */
function recordingPlanner(planned: Planned[]): MessagePlanner {
  return ({ referral, events, command, now }) => {
    planned.push({ id: referral.id, command: command.type, events: events.map((event) => event.type), at: now.toISOString() });
    const outbox: OutboxItem[] = events
      .filter((event) => !('actor' in event) && event.type !== 'received')
      .map((event) => ({
        id: `${referral.id}:${referral.version}:${event.type}`,
        kind: 'threadReply',
        target: 'channel-1',
        message: { key: 'event', params: { index: referral.history.indexOf(event) } },
        createdAt: now.toISOString(),
        attempts: 0,
        state: 'pending',
      }));
    return { outbox };
  };
}

interface Rig {
  dir: string;
  time: FakeClock;
  store: LowdbStore;
  commands: CommandDeps;
  scheduler: Scheduler;
  planned: Planned[];
  logs: LogEntry[];
  policy: Policy;
}

interface RigOptions {
  policy?: Partial<Policy>;
  workingHours?: WorkingHours;
  now?: number;
  dir?: string;
  time?: FakeClock;
  planned?: Planned[];
  plan?: MessagePlanner;
  scheduler?: Partial<SchedulerOptions>;
  /** Start the scheduler right away (default true). */
  start?: boolean;
}

const dirs: string[] = [];
const rigs: Rig[] = [];

async function rig(options: RigOptions = {}): Promise<Rig> {
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'referral-desk-scheduler-')));
  if (!options.dir) dirs.push(dir);
  const time = options.time ?? fakeClock(options.now ?? T0);
  const store = new LowdbStore({ dataDir: dir });
  await store.open();
  const policy: Policy = { ...DEFAULT_POLICY, ...options.policy };
  const planned = options.planned ?? [];
  const logs: LogEntry[] = [];
  const commands: CommandDeps = { store, policy, clock: time, plan: options.plan ?? recordingPlanner(planned), display: UTC_DISPLAY };
  const scheduler = new Scheduler({
    store,
    commands,
    log: memoryLog(logs),
    setTimer: time.setTimer,
    clearTimer: time.clearTimer,
    maxSleepMs: HOUR,
    // No jitter: the retry tests name the exact times.
    random: () => 1,
    ...(options.workingHours && { workingHours: options.workingHours }),
    ...options.scheduler,
  });
  if (options.start ?? true) scheduler.start();
  const made = { dir, time, store, commands, scheduler, planned, logs, policy };
  rigs.push(made);
  return made;
}

/** Stops the scheduler and closes the store (what app.stop() does). */
async function shutdown(r: Rig): Promise<void> {
  await r.scheduler.stop();
  await r.store.close();
}

afterEach(async () => {
  sinon.restore();
  for (const r of rigs.splice(0)) await shutdown(r);
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function takeIn(r: Rig, rfi: Rfi): Promise<void> {
  const result = await applyCommand(r.commands, rfi.id, { type: 'takeIn', rfi });
  if (!result.ok) throw result.error;
}

async function act(r: Rig, id: string, command: Command): Promise<void> {
  const result = await applyCommand(r.commands, id, command);
  if (!result.ok) throw result.error;
}

const accept = (closingDateTime: string): Command => ({
  type: 'accept',
  actor: ALICE,
  fields: { name: 'Contoso rollout', dealValue: 50_000, currency: 'EUR', closingDateTime },
  contacts: [],
});

/** The referral's history after intake as [event type, ms after `origin`]. */
async function historyOf(r: Rig, id: string, origin = T0): Promise<Array<[string, number]>> {
  const record = await r.store.get(id);
  if (!record) throw new Error(`no referral ${id}`);
  return record.referral.history.slice(1).map((event) => [event.type, Date.parse(event.at) - origin]);
}

const rfi = (id: string, overrides: Partial<Rfi> = {}): Rfi => lifecycleRfi({ id, createdDateTime: iso(T0), ...overrides });
const URGENT = { callToAction: 'ContactMe' };

// --- tests --------------------------------------------------------------------------------------

describe('scheduler: every timer of both flows fires once, at its time', () => {
  it('inbox: reminder at 24 h, expiry warning at expiry − 2 d, expiry at 14 d; the card and thread messages in the same write', async () => {
    const r = await rig();
    await takeIn(r, rfi('in-1'));

    await r.time.advanceTo(T0 + DAY - 1, r.scheduler);
    expect(await historyOf(r, 'in-1')).to.deep.equal([]);
    await r.time.advanceTo(T0 + 20 * DAY, r.scheduler);

    expect(await historyOf(r, 'in-1')).to.deep.equal([
      ['reminded', DAY],
      ['expiryWarned', 12 * DAY],
      ['expired', 14 * DAY],
    ]);
    const record = (await r.store.get('in-1'))!;
    expect(record.referral.substatus).to.equal('Expired');
    // The fake planner names each item after its event: one thread message per timer, in the same write.
    expect(record.outbox.map((item) => item.id.split(':')[2])).to.deep.equal(['reminded', 'expiryWarned', 'expired']);
    expect(r.planned.filter((p) => p.command !== 'takeIn').map((p) => [p.command, p.at])).to.deep.equal([
      ['remind', iso(T0 + DAY)],
      ['warnExpiry', iso(T0 + 12 * DAY)],
      ['expire', iso(T0 + 14 * DAY)],
    ]);
    expect(r.time.armed, 'a closed referral leaves nothing to wake for').to.deep.equal([]);
  });

  it('inbox, customer asked to be contacted: the urgency change at 72 h, the referral stays open', async () => {
    const r = await rig();
    await takeIn(r, rfi('urgent-1', URGENT));
    await r.time.advanceTo(T0 + 4 * DAY, r.scheduler);
    expect(await historyOf(r, 'urgent-1')).to.deep.equal([
      ['reminded', DAY],
      ['urgencyChanged', 3 * DAY],
    ]);
    const record = (await r.store.get('urgent-1'))!;
    expect(record.referral).to.include({ status: 'New', substatus: 'Pending', urgencyChangedAt: iso(T0 + 3 * DAY) });
    await r.time.advanceTo(T0 + 15 * DAY, r.scheduler);
    expect((await historyOf(r, 'urgent-1')).map(([type]) => type)).to.deep.equal(['reminded', 'urgencyChanged', 'expiryWarned', 'expired']);
  });

  it('classic: reminder at 24 h and skip at 72 h while New/Pending', async () => {
    const r = await rig({ policy: { flow: 'classic' } });
    await takeIn(r, rfi('cl-1'));
    await r.time.advanceTo(T0 + 10 * DAY, r.scheduler);
    expect(await historyOf(r, 'cl-1')).to.deep.equal([
      ['reminded', DAY],
      ['skipped', 3 * DAY],
    ]);
    expect((await r.store.get('cl-1'))!.referral.substatus).to.equal('Skipped');
  });

  it('classic: evaluating (New/Received) expires 7 d after "I\'m interested"; the urgency change still comes at 72 h', async () => {
    const r = await rig({ policy: { flow: 'classic' } });
    await takeIn(r, rfi('cl-2', URGENT));
    await r.time.advanceTo(T0 + 10 * HOUR, r.scheduler);
    await act(r, 'cl-2', { type: 'interested', actor: ALICE });
    await r.time.advanceTo(T0 + 30 * DAY, r.scheduler);
    expect(await historyOf(r, 'cl-2')).to.deep.equal([
      ['interested', 10 * HOUR],
      ['urgencyChanged', 3 * DAY],
      ['expired', 10 * HOUR + 7 * DAY],
    ]);
  });

  it('Active: the close-date reminder every 7 d until the date moves, then from the new date until closed', async () => {
    const r = await rig();
    await takeIn(r, rfi('act-1'));
    await r.time.advanceTo(T0 + HOUR, r.scheduler);
    // A close date counts as passed at the end of its day: T0 is 09:00Z, so 15 h after the date's time.
    const ENDS = 15 * HOUR;
    await act(r, 'act-1', accept(iso(T0 + 30 * DAY)));

    await r.time.advanceTo(T0 + 45 * DAY, r.scheduler);
    await act(r, 'act-1', { type: 'editEngagement', actor: ALICE, changes: { closingDateTime: iso(T0 + 60 * DAY) } });
    await r.time.advanceTo(T0 + 68 * DAY, r.scheduler);
    await act(r, 'act-1', { type: 'won', actor: ALICE });
    expect(r.time.armed, 'won: nothing left to wake for').to.deep.equal([]);
    await r.time.advanceTo(T0 + 120 * DAY, r.scheduler);

    expect(await historyOf(r, 'act-1')).to.deep.equal([
      ['accepted', HOUR],
      ['closeDatePassed', 30 * DAY + ENDS],
      ['closeDatePassed', 37 * DAY + ENDS],
      ['closeDatePassed', 44 * DAY + ENDS],
      ['engagementEdited', 45 * DAY],
      ['closeDatePassed', 60 * DAY + ENDS],
      ['closeDatePassed', 67 * DAY + ENDS],
      ['won', 68 * DAY],
    ]);
    // No reminder of the New phase fired after the accept (superseded).
  });

  it('an Active referral without a close date has no timer; closed records with messages still to send are not indexed', async () => {
    const r = await rig();
    await takeIn(r, rfi('nodate'));
    await act(r, 'nodate', { type: 'accept', actor: ALICE, fields: { dealValue: 1 }, contacts: [] });
    expect(r.time.armed, 'active without a close date: nothing to wake for').to.deep.equal([]);
    await takeIn(r, rfi('gone', { createdDateTime: iso(T0 - 20 * DAY) }));
    await r.time.advanceTo(T0, r.scheduler);
    expect((await historyOf(r, 'gone', T0)).map(([type]) => type)).to.deep.equal(['expired']);
    expect(
      r.store
        .openRecords()
        .map((record) => record.referral.id)
        .sort(),
      'closed but its expiry message is queued',
    ).to.deep.equal(['gone', 'nodate']);
    await r.time.advanceTo(T0 + 120 * DAY, r.scheduler);
    expect(await historyOf(r, 'nodate')).to.deep.equal([['accepted', 0]]);
    expect((await historyOf(r, 'gone', T0)).map(([type]) => type)).to.deep.equal(['expired']);
  });

  it('wakes at least every maxSleepMs (default 60 s) and still fires at the exact due time', async () => {
    const r = await rig({ scheduler: { maxSleepMs: undefined } });
    await takeIn(r, rfi('sleepy', { createdDateTime: iso(T0 - DAY + 5 * MINUTE) }));
    expect(r.time.armed).to.deep.equal([T0 + 60 * SECOND]);
    await r.time.advanceTo(T0 + 10 * MINUTE, r.scheduler);
    expect(await historyOf(r, 'sleepy')).to.deep.equal([['reminded', 5 * MINUTE]]);
  });
});

describe('scheduler: working hours', () => {
  const BERLIN = parseWorkingHours('09:00-18:00 Mon-Fri Europe/Berlin');
  /** Friday 8 March 2024, 16:00Z = 17:00 in Berlin. */
  const FRIDAY = Date.parse('2024-03-08T16:00:00.000Z');
  const MONDAY_9_BERLIN = Date.parse('2024-03-11T08:00:00.000Z');

  it('a reminder falling on the weekend waits for Monday 09:00; the urgency change does not wait', async () => {
    const r = await rig({ now: FRIDAY, workingHours: BERLIN, policy: { urgentForMs: 30 * HOUR } });
    await takeIn(r, rfi('wh-1', { ...URGENT, createdDateTime: iso(FRIDAY) }));
    await r.time.advanceTo(FRIDAY + 2 * DAY, r.scheduler);
    expect(await historyOf(r, 'wh-1', FRIDAY)).to.deep.equal([['urgencyChanged', 30 * HOUR]]);
    await r.time.advanceTo(MONDAY_9_BERLIN - 1, r.scheduler);
    expect(await historyOf(r, 'wh-1', FRIDAY), 'the reminder waits for Monday 09:00').to.deep.equal([['urgencyChanged', 30 * HOUR]]);
    await r.time.advanceTo(MONDAY_9_BERLIN + HOUR, r.scheduler);
    expect(await historyOf(r, 'wh-1', FRIDAY)).to.deep.equal([
      ['urgencyChanged', 30 * HOUR],
      ['reminded', MONDAY_9_BERLIN - FRIDAY],
    ]);
  });

  it('fire times (pure): at Saturday 22:00Z only the urgency change fires; the overdue reminder keeps waiting for Monday', () => {
    const policy = { ...DEFAULT_POLICY, urgentForMs: 30 * HOUR };
    const referral = step(undefined, { type: 'takeIn', rfi: rfi('pure', { ...URGENT, createdDateTime: iso(FRIDAY) }) }, new Date(FRIDAY), policy);
    const saturdayNight = new Date(FRIDAY + 30 * HOUR);
    expect(firingNow(referral, policy, BERLIN, saturdayNight).map((timer) => timer.type)).to.deep.equal(['changeUrgency']);
    expect(firingNow(referral, policy, undefined, saturdayNight).map((timer) => timer.type)).to.deep.equal(['remind', 'changeUrgency']);
    expect(nextFiring(referral, policy, BERLIN)).to.deep.include({ type: 'changeUrgency', fireAt: FRIDAY + 30 * HOUR });
    expect(nextFiring(referral, policy, undefined)).to.deep.include({ type: 'remind', fireAt: FRIDAY + DAY });
    expect(firingNow(referral, policy, BERLIN, new Date(MONDAY_9_BERLIN)).map((timer) => timer.type)).to.deep.equal(['changeUrgency', 'remind']);
  });

  it('expiries never wait; a warning still waiting when the expiry comes is dropped', async () => {
    const r = await rig({ now: FRIDAY, workingHours: BERLIN, policy: { expireAfterMs: 2 * DAY, expiryWarningBeforeMs: DAY, respondWithinMs: 20 * HOUR } });
    await takeIn(r, rfi('wh-2', { createdDateTime: iso(FRIDAY) }));
    await r.time.advanceTo(FRIDAY + 7 * DAY, r.scheduler);
    // remind (Sat 12:00Z) and warnExpiry (Sat 16:00Z) both wait for Monday; the expiry comes on Sunday.
    expect(await historyOf(r, 'wh-2', FRIDAY)).to.deep.equal([['expired', 2 * DAY]]);
  });

  it('a reminder due inside working hours fires at once; the close-date reminder waits like the others', async () => {
    const r = await rig({ now: T0, workingHours: BERLIN });
    await takeIn(r, rfi('wh-3'));
    await r.time.advanceTo(T0 + HOUR, r.scheduler);
    // T0 is Monday 09:00Z. Close date: Saturday of the next week, 10:00Z; the reminder comes the
    // Monday after, 09:00 Berlin (08:00Z), and repeats a week later at the same time.
    const closeDate = T0 + 12 * DAY + HOUR;
    const firstReminder = T0 + 14 * DAY - HOUR;
    await act(r, 'wh-3', accept(iso(closeDate)));
    const afterFirst = T0 + 14 * DAY + 15 * HOUR;
    await r.time.advanceTo(afterFirst, r.scheduler);
    const record = (await r.store.get('wh-3'))!;
    expect(record.referral.history.map((event) => [event.type, event.at]).slice(2)).to.deep.equal([['closeDatePassed', iso(firstReminder)]]);
    // The next repeat counts from when it fired: Monday + 7 d, inside working hours again.
    await r.time.advanceTo(afterFirst + 7 * DAY, r.scheduler);
    expect((await r.store.get('wh-3'))!.referral.history.filter((event) => event.type === 'closeDatePassed').map((event) => event.at)).to.deep.equal([
      iso(firstReminder),
      iso(firstReminder + 7 * DAY),
    ]);
  });
});

describe('scheduler: superseded timers', () => {
  it('accepted a second before the reminder: no reminder event, the entry moves to the close date', async () => {
    const r = await rig();
    await takeIn(r, rfi('sup-1'));
    expect(r.time.armed).to.deep.equal([T0 + HOUR]); // capped sleep towards T0 + 24 h
    await r.time.advanceTo(T0 + DAY - SECOND, r.scheduler);
    await act(r, 'sup-1', accept(iso(T0 + 30 * DAY)));
    await r.time.advanceTo(T0 + 2 * DAY, r.scheduler);
    expect(await historyOf(r, 'sup-1')).to.deep.equal([['accepted', DAY - SECOND]]);
    expect(r.planned.map((p) => p.command)).to.deep.equal(['takeIn', 'accept']);
  });

  it('declined: the referral leaves the index and the armed wake-up is dropped', async () => {
    const r = await rig();
    await takeIn(r, rfi('sup-2'));
    await act(r, 'sup-2', { type: 'decline', actor: ALICE, reason: 'NotACustomer' });
    expect(r.time.armed).to.deep.equal([]);
    await r.time.advanceTo(T0 + 30 * DAY, r.scheduler);
    expect((await historyOf(r, 'sup-2')).map(([type]) => type)).to.deep.equal(['declined']);
  });

  it('a change that brings a timer forward re-arms the one timer earlier', async () => {
    const r = await rig();
    await takeIn(r, rfi('late', { createdDateTime: iso(T0 + 5 * HOUR) }));
    expect(r.time.armed, 'a capped sleep towards T0 + 29 h').to.deep.equal([T0 + HOUR]);
    await takeIn(r, rfi('early', { createdDateTime: iso(T0 - 23 * HOUR - 30 * MINUTE) }));
    expect(r.time.armed).to.deep.equal([T0 + 30 * MINUTE]);
    await r.time.advanceTo(T0 + 30 * HOUR, r.scheduler);
    expect(await historyOf(r, 'early')).to.deep.equal([['reminded', 30 * MINUTE]]);
    expect(await historyOf(r, 'late')).to.deep.equal([['reminded', 29 * HOUR]]);
  });
});

describe('scheduler: catch-up after downtime', () => {
  it('fires what fell due, once, oldest due first across referrals; an expired referral gets no stale reminders', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'referral-desk-scheduler-'));
    dirs.push(dir);
    const down = await rig({ dir, start: false });
    await takeIn(down, rfi('A'));
    await takeIn(down, rfi('B', { createdDateTime: iso(T0 + HOUR) }));
    await takeIn(down, rfi('C', { createdDateTime: iso(T0 - 2 * DAY) })); // expires at T0 + 12 d
    await takeIn(down, rfi('D', { createdDateTime: iso(T0 + 12 * DAY + HOUR) })); // nothing due yet
    await shutdown(down);
    rigs.splice(rigs.indexOf(down), 1);

    const planned: Planned[] = [];
    const up = await rig({ dir, now: T0 + 13 * DAY, planned });
    await up.time.advanceTo(T0 + 13 * DAY, up.scheduler);
    expect(planned.map((p) => `${p.id}:${p.command}`)).to.deep.equal(['C:expire', 'A:remind', 'B:remind', 'A:warnExpiry', 'B:warnExpiry']);
    expect(new Set(planned.map((p) => p.at))).to.deep.equal(new Set([iso(T0 + 13 * DAY)]));
    expect((await historyOf(up, 'C')).map(([type]) => type)).to.deep.equal(['expired']);

    await up.time.advanceTo(T0 + 20 * DAY, up.scheduler);
    expect(planned.map((p) => `${p.id}:${p.command}`).slice(5)).to.deep.equal(['D:remind', 'A:expire', 'B:expire']);
  });

  it('several due timers of one referral fire one after another, re-reading its timers after each', async () => {
    const r = await rig({ now: T0 + 4 * DAY, start: false });
    await takeIn(r, rfi('multi', URGENT));
    r.scheduler.start();
    await r.time.advanceTo(T0 + 4 * DAY, r.scheduler);
    expect((await historyOf(r, 'multi')).map(([type]) => type)).to.deep.equal(['reminded', 'urgencyChanged']);
    await r.time.advanceTo(T0 + 12 * DAY, r.scheduler);
    expect((await historyOf(r, 'multi')).map(([type]) => type)).to.deep.equal(['reminded', 'urgencyChanged', 'expiryWarned']);
  });
});

describe('scheduler: restarts', () => {
  it('stop (scheduler, then store) between two due times, reopen, start: each timer exactly once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'referral-desk-scheduler-'));
    dirs.push(dir);
    const time = fakeClock(T0);
    const planned: Planned[] = [];

    const first = await rig({ dir, time, planned });
    await takeIn(first, rfi('R', URGENT));
    await first.time.advanceTo(T0 + 2 * DAY, first.scheduler); // reminded at 24 h
    await shutdown(first);
    rigs.splice(rigs.indexOf(first), 1);

    // Restart right away (no downtime): nothing fires twice.
    const second = await rig({ dir, time, planned });
    await time.advanceTo(T0 + 5 * DAY, second.scheduler); // urgencyChanged at 72 h
    await shutdown(second);
    rigs.splice(rigs.indexOf(second), 1);

    // Down from day 5 to day 12.5: the warning (day 12) catches up, then the expiry on time.
    time.set(T0 + 12 * DAY + 12 * HOUR);
    const third = await rig({ dir, time, planned });
    await time.advanceTo(T0 + 13 * DAY, third.scheduler);
    await shutdown(third);
    rigs.splice(rigs.indexOf(third), 1);

    const fourth = await rig({ dir, time, planned });
    await time.advanceTo(T0 + 30 * DAY, fourth.scheduler);
    await shutdown(fourth);
    rigs.splice(rigs.indexOf(fourth), 1);

    const fifth = await rig({ dir, time, planned });
    await time.advanceTo(T0 + 40 * DAY, fifth.scheduler);
    expect(await historyOf(fifth, 'R')).to.deep.equal([
      ['reminded', DAY],
      ['urgencyChanged', 3 * DAY],
      ['expiryWarned', 12 * DAY + 12 * HOUR],
      ['expired', 14 * DAY],
    ]);
    expect(planned.filter((p) => p.command !== 'takeIn').map((p) => p.command)).to.deep.equal(['remind', 'changeUrgency', 'warnExpiry', 'expire']);
  });

  it('two schedulers on one store (an overlapping restart) still fire each timer once: decide() re-checks in the write', async () => {
    const r = await rig();
    const twin = new Scheduler({
      store: r.store,
      commands: r.commands,
      log: memoryLog([]),
      setTimer: r.time.setTimer,
      clearTimer: r.time.clearTimer,
      maxSleepMs: HOUR,
    });
    twin.start();
    try {
      for (let i = 0; i < 5; i++) await takeIn(r, rfi(`twin-${i}`, { createdDateTime: iso(T0 - DAY + i * MINUTE) }));
      r.time.fireDue(T0 + DAY);
      await Promise.all([r.scheduler.whenIdle(), twin.whenIdle()]);
      await r.time.advanceTo(T0 + DAY, r.scheduler);
      await twin.whenIdle();
      for (let i = 0; i < 5; i++) expect((await historyOf(r, `twin-${i}`)).map(([type]) => type)).to.deep.equal(['reminded']);
      expect(r.planned.filter((p) => p.command === 'remind')).to.have.length(5);
    } finally {
      await twin.stop();
    }
  });
});

describe('scheduler: card actions racing a timer', () => {
  it('accept queued in the store just before the due reminder writes: no reminder', async () => {
    const r = await rig();
    await takeIn(r, rfi('race-1'));
    await r.time.advanceTo(T0 + DAY - 1, r.scheduler);
    r.time.fireDue(T0 + DAY); // the scheduler has read the referral and is about to fire `remind`
    const accepted = applyCommand(r.commands, 'race-1', accept(iso(T0 + 30 * DAY)));
    expect((await accepted).ok).to.equal(true);
    await r.scheduler.whenIdle();
    expect((await historyOf(r, 'race-1')).map(([type]) => type)).to.deep.equal(['accepted']);
    expect(r.logs.some((entry) => entry.message === 'timer not fired' && entry.fields?.['code'] === 'NotDue')).to.equal(true);
    // The accepted referral's next timer is its close date (30 d), which passes at the end of that day.
    await r.time.advanceTo(T0 + 31 * DAY, r.scheduler);
    expect((await historyOf(r, 'race-1')).map(([type]) => type)).to.deep.equal(['accepted', 'closeDatePassed']);
  });

  it('the reminder already in the write queue: reminder first, then the accept; never twice', async () => {
    const r = await rig();
    await takeIn(r, rfi('race-2'));
    await r.time.advanceTo(T0 + DAY - 1, r.scheduler);
    r.time.fireDue(T0 + DAY);
    await new Promise((resolve) => setImmediate(resolve));
    const accepted = await applyCommand(r.commands, 'race-2', accept(iso(T0 + 30 * DAY)));
    expect(accepted.ok).to.equal(true);
    await r.scheduler.whenIdle();
    expect((await historyOf(r, 'race-2')).map(([type]) => type)).to.deep.equal(['reminded', 'accepted']);
  });

  it('many referrals, timers and card actions at the same moment: each timer at most once, never after the accept', async () => {
    const r = await rig();
    const ids = Array.from({ length: 20 }, (_, i) => `many-${i}`);
    for (const id of ids) await takeIn(r, rfi(id));
    await r.time.advanceTo(T0 + DAY - 1, r.scheduler);
    r.time.fireDue(T0 + DAY);
    const actions = ids.map((id, i) =>
      i % 2 === 0 ? applyCommand(r.commands, id, accept(iso(T0 + 30 * DAY))) : applyCommand(r.commands, id, { type: 'decline', actor: ALICE, reason: 'Other' }),
    );
    const results = await Promise.all(actions);
    expect(results.every((result) => result.ok)).to.equal(true);
    await r.time.advanceTo(T0 + 3 * DAY, r.scheduler);
    for (const id of ids) {
      const types = (await historyOf(r, id)).map(([type]) => type);
      expect(types.filter((type) => type === 'reminded').length, id).to.be.at.most(1);
      expect(types.indexOf('reminded'), id).to.be.below(1); // absent (-1) or before the person's action
      expect(
        types.filter((type) => type === 'accepted' || type === 'declined'),
        id,
      ).to.have.length(1);
    }
  });
});

describe('scheduler: failures, stop, cost', () => {
  it('a failing firing is logged and retried with backoff; other referrals are not held up', async () => {
    const planned: Planned[] = [];
    const inner = recordingPlanner(planned);
    let failures = 2;
    const r = await rig({
      planned,
      plan: (change) => {
        if (change.referral.id === 'a-flaky' && change.command.type === 'remind' && failures-- > 0) throw new Error('renderer exploded');
        return inner(change);
      },
    });
    // Both due at T0 + 24 h; 'a-flaky' sorts first, so it fails before 'b-fine' is tried.
    await takeIn(r, rfi('a-flaky'));
    await takeIn(r, rfi('b-fine'));
    await r.time.advanceTo(T0 + DAY + SECOND / 2, r.scheduler);
    expect(await historyOf(r, 'b-fine'), 'the other referral fired on time').to.deep.equal([['reminded', DAY]]);
    expect(await historyOf(r, 'a-flaky')).to.deep.equal([]);
    const errors = r.logs.filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => [entry.message, entry.fields?.['attempts'], entry.fields?.['retryAt']])).to.deep.equal([
      ['scheduler: firing a timer failed; will retry', 1, iso(T0 + DAY + SECOND)],
    ]);
    expect(r.time.armed, 'the retry is armed').to.include(T0 + DAY + SECOND);
    // Second failure at +1 s, retry after 2 s more; then it fires.
    await r.time.advanceTo(T0 + DAY + 10 * SECOND, r.scheduler);
    expect(r.logs.filter((entry) => entry.level === 'error').map((entry) => entry.fields?.['retryAt'])).to.deep.equal([
      iso(T0 + DAY + SECOND),
      iso(T0 + DAY + 3 * SECOND),
    ]);
    expect(await historyOf(r, 'a-flaky')).to.deep.equal([['reminded', DAY + 3 * SECOND]]);
    expect(r.scheduler.running).to.equal(true);
  });

  it('stop() waits for a firing under way and nothing fires after it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const planned: Planned[] = [];
    const inner = recordingPlanner(planned);
    let atGate = false;
    const r = await rig({
      planned,
      plan: async (change) => {
        if (change.command.type === 'remind') {
          atGate = true;
          await gate;
        }
        return inner(change);
      },
    });
    await takeIn(r, rfi('slow'));
    await takeIn(r, rfi('next', { createdDateTime: iso(T0 + MINUTE) }));
    await r.time.advanceTo(T0 + DAY - 1, r.scheduler);
    r.time.fireDue(T0 + DAY + HOUR);
    let stopped = false;
    await waitFor('the firing waits inside its write', () => atGate);
    const stopping = r.scheduler.stop().then(() => (stopped = true));
    // A stop that did not wait would have resolved within this turn.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped, 'stop() waits for the write under way').to.equal(false);
    release();
    await stopping;
    expect((await historyOf(r, 'slow')).map(([type]) => type)).to.deep.equal(['reminded']);
    expect(await historyOf(r, 'next'), 'the loop ends after the firing under way').to.deep.equal([]);
    expect(r.time.armed).to.deep.equal([]);
    await takeIn(r, rfi('after-stop', { createdDateTime: iso(T0 - 20 * DAY) }));
    expect(r.time.armed, 'a stopped scheduler ignores changes').to.deep.equal([]);
  });

  it('a wake-up reads only the heap: openRecords() once at start, one store.get per fired timer', async () => {
    const r = await rig({ start: false });
    for (let i = 0; i < 30; i++) await takeIn(r, rfi(`cost-${i}`, { createdDateTime: iso(T0 + i * HOUR) }));
    const openRecords = sinon.spy(r.store, 'openRecords');
    const get = sinon.spy(r.store, 'get');
    r.scheduler.start();
    expect(openRecords.callCount).to.equal(1);
    await r.time.advanceTo(T0 + DAY + 10 * HOUR, r.scheduler);
    expect(r.planned.filter((p) => p.command === 'remind')).to.have.length(11);
    expect(openRecords.callCount, 'no scan per wake-up').to.equal(1);
    expect(get.callCount).to.equal(11);
  });

  it('real timers: a timer fires within 1 s of its due time', async function () {
    this.timeout(5_000);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'referral-desk-scheduler-'));
    dirs.push(dir);
    const store = new LowdbStore({ dataDir: dir });
    await store.open();
    const planned: Planned[] = [];
    const commands: CommandDeps = {
      store,
      policy: { ...DEFAULT_POLICY, respondWithinMs: 400 },
      clock: () => new Date(),
      plan: recordingPlanner(planned),
      display: UTC_DISPLAY,
    };
    const scheduler = new Scheduler({ store, commands, log: memoryLog([]) });
    scheduler.start();
    try {
      const created = Date.now();
      const result = await applyCommand(commands, 'realtime', {
        type: 'takeIn',
        rfi: lifecycleRfi({ id: 'realtime', createdDateTime: new Date(created).toISOString() }),
      });
      expect(result.ok).to.equal(true);
      const dueAt = created + 400;
      await waitFor('the reminder fired', () => planned.length >= 2, 3_000);
      await scheduler.whenIdle();
      const reminded = (await store.get('realtime'))!.referral.history.find((event) => event.type === 'reminded');
      expect(reminded, 'reminded').to.not.equal(undefined);
      const late = Date.parse(reminded!.at) - dueAt;
      expect(late).to.be.at.least(0).and.below(1_000);
    } finally {
      await scheduler.stop();
      await store.close();
    }
  });
});

describe('TimerHeap', () => {
  it('keeps the earliest entry on top through random sets and deletes (ties by id)', () => {
    const heap = new TimerHeap<number>();
    const model = new Map<string, number>();
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 5000; step++) {
      const id = `r${Math.floor(random() * 200)}`;
      if (random() < 0.3) {
        expect(heap.delete(id)).to.equal(model.delete(id));
      } else {
        const key = Math.floor(random() * 1000);
        heap.set(id, key, key);
        model.set(id, key);
      }
      let expected: [string, number] | undefined;
      for (const entry of model) if (!expected || entry[1] < expected[1] || (entry[1] === expected[1] && entry[0] < expected[0])) expected = entry;
      expect(heap.size).to.equal(model.size);
      expect(heap.peek() && [heap.peek()!.id, heap.peek()!.key]).to.deep.equal(expected);
    }
    expect(heap.sorted().map((entry) => entry.key)).to.deep.equal([...model.values()].sort((a, b) => a - b));
  });
});
