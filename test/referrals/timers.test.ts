// Timers of both flows (timers.ts) and the timer commands of decide(): remind, warnExpiry,
// changeUrgency, expire, skip, remindCloseDate. The clock is faked with plain Dates (`at(ms)` =
// T0 + ms; the RFI arrives at T0): not due before its time, due at/after it, fires once,
// superseded timers, downtime catch-up, incoming dates, close-date repeats, the urgent marker.

import { expect } from 'chai';
import type { TimerCommandType } from '../../referrals/commands.js';
import { asksForContact, decide } from '../../referrals/lifecycle.js';
import type { Flow, Referral } from '../../referrals/model.js';
import { closeDatePassedAt } from '../../referrals/deadlines.js';
import { dueTimers, nextTimer, pendingTimers } from '../../referrals/timers.js';
import {
  ALICE,
  CLOSE_DATE,
  CLOSE_DATE_MS,
  CLOSE_DATE_PASSED_MS,
  DAY,
  HOUR,
  MARY,
  at,
  command,
  iso,
  lifecycleRfi,
  policyFor,
  reach,
  refusal,
  stateOf,
  step,
  type Path,
} from '../support/lifecycle.js';

const URGENT = lifecycleRfi({ callToAction: 'ContactMe' });
const PLAIN = lifecycleRfi();
/** When the accept fixture's close date has passed (the next midnight UTC), in hours after T0 (735). */
const P = CLOSE_DATE_PASSED_MS / HOUR;

/** pendingTimers as [type, hours after T0]. */
const timersOf = (referral: Referral, flow: Flow = referral.flow) =>
  pendingTimers(referral, policyFor(flow)).map((t) => [t.type, (Date.parse(t.dueAt) - Date.parse(iso(0))) / HOUR] as const);

// ---------------------------------------------------------------------------------------------
describe('timers: what is pending in each state (hours after T0)', () => {
  const PENDING: ReadonlyArray<
    readonly [label: string, flow: Flow, rfi: typeof PLAIN, path: Path, expected: ReadonlyArray<readonly [TimerCommandType, number]>]
  > = [
    [
      'inbox New',
      'inbox',
      PLAIN,
      [],
      [
        ['remind', 24],
        ['warnExpiry', 12 * 24],
        ['expire', 14 * 24],
      ],
    ],
    [
      'inbox New, urgent',
      'inbox',
      URGENT,
      [],
      [
        ['remind', 24],
        ['changeUrgency', 72],
        ['warnExpiry', 12 * 24],
        ['expire', 14 * 24],
      ],
    ],
    [
      'inbox New, reminded',
      'inbox',
      URGENT,
      [[24, 'remind']],
      [
        ['changeUrgency', 72],
        ['warnExpiry', 12 * 24],
        ['expire', 14 * 24],
      ],
    ],
    [
      'inbox New, all notices sent',
      'inbox',
      URGENT,
      [
        [24, 'remind'],
        [72, 'changeUrgency'],
        [12 * 24, 'warnExpiry'],
      ],
      [['expire', 14 * 24]],
    ],
    ['inbox Active (close date set)', 'inbox', URGENT, [[1, 'accept']], [['remindCloseDate', P]]],
    ['inbox Closed/Declined', 'inbox', URGENT, [[1, 'decline']], []],
    [
      'inbox Closed/Won',
      'inbox',
      PLAIN,
      [
        [1, 'accept'],
        [2, 'won'],
      ],
      [],
    ],
    [
      'classic New',
      'classic',
      PLAIN,
      [],
      [
        ['remind', 24],
        ['skip', 72],
      ],
    ],
    // the urgency change (72h) coincides with the skip (72h): nothing to change on a skipped referral
    [
      'classic New, urgent',
      'classic',
      URGENT,
      [],
      [
        ['remind', 24],
        ['skip', 72],
      ],
    ],
    ['classic Received', 'classic', PLAIN, [[10, 'interested']], [['expire', 10 + 7 * 24]]],
    [
      'classic Received, urgent',
      'classic',
      URGENT,
      [[10, 'interested']],
      [
        ['changeUrgency', 72],
        ['expire', 10 + 7 * 24],
      ],
    ],
    [
      'classic Active (close date set)',
      'classic',
      PLAIN,
      [
        [1, 'interested'],
        [2, 'accept'],
      ],
      [['remindCloseDate', P]],
    ],
    ['classic Closed/Skipped', 'classic', PLAIN, [[1, 'noThanks']], []],
  ];
  for (const [label, flow, rfi, path, expected] of PENDING) {
    it(`${label} → ${expected.map(([t, h]) => `${t}@${h}h`).join(', ') || 'none'}`, () => {
      const referral = reach(flow, path, rfi);
      expect(timersOf(referral)).to.deep.equal(expected);
      expect(nextTimer(referral, policyFor(flow))?.type).to.equal(expected[0]?.[0]);
    });
  }

  it('Active without a close date has no timer', () => {
    const referral = step(reach('inbox', []), { type: 'accept', actor: ALICE, fields: { dealValue: 1 }, contacts: [] }, at(HOUR), policyFor('inbox'));
    expect(pendingTimers(referral, policyFor('inbox'))).to.deep.equal([]);
    expect(nextTimer(referral, policyFor('inbox'))).to.equal(undefined);
  });

  it('follows the policy it is given, not the defaults', () => {
    const policy = policyFor('inbox', { respondWithinMs: 2 * HOUR, urgentForMs: 5 * HOUR, expireAfterMs: 3 * DAY, expiryWarningBeforeMs: DAY });
    const referral = reach('inbox', [], URGENT, policy);
    expect(referral.expirationDateTime).to.equal(iso(3 * DAY));
    expect(pendingTimers(referral, policy)).to.deep.equal([
      { type: 'remind', dueAt: iso(2 * HOUR) },
      { type: 'changeUrgency', dueAt: iso(5 * HOUR) },
      { type: 'warnExpiry', dueAt: iso(2 * DAY) },
      { type: 'expire', dueAt: iso(3 * DAY) },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('timers: each timer command is not due before its time, due at/after it, fires once', () => {
  // [flow, rfi, path, timer, due (hours after T0), event it records, state after, a second identical command]
  const TIMERS: ReadonlyArray<readonly [Flow, typeof PLAIN, Path, TimerCommandType, number, string, string, 'NotDue' | 'Closed']> = [
    ['inbox', PLAIN, [], 'remind', 24, 'reminded', 'New/Pending', 'NotDue'],
    ['inbox', PLAIN, [], 'warnExpiry', 12 * 24, 'expiryWarned', 'New/Pending', 'NotDue'],
    ['inbox', URGENT, [], 'changeUrgency', 72, 'urgencyChanged', 'New/Pending', 'NotDue'],
    ['inbox', PLAIN, [], 'expire', 14 * 24, 'expired', 'Closed/Expired', 'Closed'],
    ['inbox', PLAIN, [[1, 'accept']], 'remindCloseDate', P, 'closeDatePassed', 'Active/Accepted', 'NotDue'],
    ['classic', PLAIN, [], 'remind', 24, 'reminded', 'New/Pending', 'NotDue'],
    ['classic', PLAIN, [], 'skip', 72, 'skipped', 'Closed/Skipped', 'Closed'],
    ['classic', URGENT, [[1, 'interested']], 'changeUrgency', 72, 'urgencyChanged', 'New/Received', 'NotDue'],
    ['classic', PLAIN, [[1, 'interested']], 'expire', 1 + 7 * 24, 'expired', 'Closed/Expired', 'Closed'],
    [
      'classic',
      PLAIN,
      [
        [1, 'interested'],
        [2, 'accept'],
      ],
      'remindCloseDate',
      P,
      'closeDatePassed',
      'Active/Accepted',
      'NotDue',
    ],
  ];

  for (const [flow, rfi, path, timer, hours, eventType, state, again] of TIMERS) {
    const name = `${flow} ${path.map(([, t]) => t).join('→') || 'New'}: ${timer} @${hours}h`;
    const policy = policyFor(flow);
    const due = hours * HOUR;

    it(`${name}: 1 ms early → NotDue`, () => {
      const referral = reach(flow, path, rfi);
      expect(refusal(referral, { type: timer }, at(due - 1), policy)).to.equal('NotDue');
      expect(dueTimers(referral, policy, at(due - 1)).map((t) => t.type)).to.not.include(timer);
    });

    for (const late of [0, HOUR]) {
      it(`${name}: ${late ? '1 h late' : 'on time'} → "${eventType}", ${state}`, () => {
        const referral = reach(flow, path, rfi);
        expect(dueTimers(referral, policy, at(due + late))).to.deep.include({ type: timer, dueAt: iso(due) });
        const decision = decide(referral, { type: timer }, at(due + late), policy);
        if (!decision.ok) throw decision.error;
        expect(decision.events).to.have.length(1);
        expect(decision.events[0]).to.include({ type: eventType, at: iso(due + late) });
        expect(decision.events[0]!.actor, 'timer events have no actor').to.equal(undefined);
        const after = step(referral, { type: timer }, at(due + late), policy);
        expect(stateOf(after)).to.equal(state);
      });
    }

    it(`${name}: fires once (a second ${timer} → ${again})`, () => {
      const after = step(reach(flow, path, rfi), { type: timer }, at(due), policy);
      expect(refusal(after, { type: timer }, at(due), policy)).to.equal(again);
      expect(refusal(after, { type: timer }, at(due + HOUR), policy)).to.equal(again);
      expect(timersOf(after).filter(([t, h]) => t === timer && h <= hours + 1)).to.deep.equal([]);
    });
  }

  it('a timer command on a referral that does not exist → NotFound', () => {
    expect(refusal(undefined, { type: 'remind' }, at(DAY), policyFor('inbox'))).to.equal('NotFound');
  });

  it('timers that do not belong to the flow/state are never due', () => {
    const inbox = reach('inbox', [], URGENT);
    expect(refusal(inbox, { type: 'skip' }, at(30 * DAY), policyFor('inbox'))).to.equal('NotDue');
    expect(refusal(inbox, { type: 'remindCloseDate' }, at(30 * DAY), policyFor('inbox'))).to.equal('NotDue');
    const classic = reach('classic', [], URGENT);
    expect(refusal(classic, { type: 'warnExpiry' }, at(71 * HOUR), policyFor('classic'))).to.equal('NotDue');
    expect(refusal(classic, { type: 'expire' }, at(30 * DAY), policyFor('classic'))).to.equal('NotDue');
    expect(refusal(reach('inbox', []), { type: 'changeUrgency' }, at(100 * HOUR), policyFor('inbox')), 'not urgent').to.equal('NotDue');
  });
});

// ---------------------------------------------------------------------------------------------
describe('timers: superseded timers', () => {
  const SUPERSEDED: ReadonlyArray<readonly [Flow, Path, TimerCommandType, number, 'NotDue' | 'Closed']> = [
    ['inbox', [[1, 'accept']], 'remind', 24, 'NotDue'],
    ['inbox', [[1, 'accept']], 'changeUrgency', 72, 'NotDue'],
    ['inbox', [[1, 'accept']], 'warnExpiry', 12 * 24, 'NotDue'],
    ['inbox', [[1, 'accept']], 'expire', 14 * 24, 'NotDue'],
    ['inbox', [[1, 'decline']], 'remind', 24, 'Closed'],
    ['inbox', [[1, 'decline']], 'expire', 14 * 24, 'Closed'],
    ['classic', [[1, 'interested']], 'remind', 24, 'NotDue'],
    ['classic', [[1, 'interested']], 'skip', 72, 'NotDue'],
    ['classic', [[1, 'noThanks']], 'skip', 72, 'Closed'],
    [
      'classic',
      [
        [1, 'interested'],
        [2, 'accept'],
      ],
      'expire',
      1 + 7 * 24,
      'NotDue',
    ],
  ];
  for (const [flow, path, timer, hours, code] of SUPERSEDED) {
    it(`${flow} ${path.map(([, t]) => t).join('→')}, then ${timer} @${hours}h → ${code}, not pending`, () => {
      const referral = reach(flow, path, URGENT);
      expect(refusal(referral, { type: timer }, at(hours * HOUR), policyFor(flow))).to.equal(code);
      expect(timersOf(referral).map(([t]) => t)).to.not.include(timer);
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('timers: catching up after downtime', () => {
  it('inbox: before expiry, every overdue notice is due, earliest first', () => {
    const referral = reach('inbox', [], URGENT);
    expect(dueTimers(referral, policyFor('inbox'), at(13 * DAY))).to.deep.equal([
      { type: 'remind', dueAt: iso(DAY) },
      { type: 'changeUrgency', dueAt: iso(3 * DAY) },
      { type: 'warnExpiry', dueAt: iso(12 * DAY) },
    ]);
  });

  const DOWNTIME: ReadonlyArray<readonly [Flow, Path, number, TimerCommandType, number, string]> = [
    // flow     path                  down until  closing timer  its due (h)  final state
    ['inbox', [], 15 * DAY, 'expire', 14 * 24, 'Closed/Expired'],
    ['classic', [], 4 * DAY, 'skip', 72, 'Closed/Skipped'],
    ['classic', [[1, 'interested']], 10 * DAY, 'expire', 1 + 7 * 24, 'Closed/Expired'],
  ];
  for (const [flow, path, until, closing, hours, state] of DOWNTIME) {
    it(`${flow} ${path.map(([, t]) => t).join('→') || 'New'}, down until ${until / DAY}d: only ${closing} is due, no stale reminder`, () => {
      const policy = policyFor(flow);
      const referral = reach(flow, path, URGENT);
      expect(dueTimers(referral, policy, at(until))).to.deep.equal([{ type: closing, dueAt: iso(hours * HOUR) }]);
      for (const stale of ['remind', 'changeUrgency', 'warnExpiry'] as const) {
        expect(refusal(referral, { type: stale }, at(until), policy), stale).to.equal('NotDue');
      }
      const closed = step(referral, { type: closing }, at(until), policy);
      expect(stateOf(closed)).to.equal(state);
      expect(closed.closedDateTime).to.equal(iso(until));
      expect(closed.history.map((e) => e.type)).to.not.include.members(['reminded', 'urgencyChanged', 'expiryWarned']);
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('timers: deadlines and incoming dates', () => {
  it('deadlines run from the incoming createdDateTime when given', () => {
    const policy = policyFor('inbox');
    const referral = reach('inbox', [], lifecycleRfi({ createdDateTime: iso(-20 * HOUR) }));
    expect(referral.createdDateTime).to.equal(iso(-20 * HOUR));
    expect(referral.receivedDateTime).to.equal(iso(0));
    expect(referral.expirationDateTime).to.equal(iso(-20 * HOUR + 14 * DAY));
    expect(refusal(referral, { type: 'remind' }, at(4 * HOUR - 1), policy)).to.equal('NotDue');
    expect(stateOf(step(referral, { type: 'remind' }, at(4 * HOUR), policy))).to.equal('New/Pending');
    expect(stateOf(step(referral, { type: 'expire' }, at(-20 * HOUR + 14 * DAY), policy))).to.equal('Closed/Expired');
  });

  it('classic: skip runs from the incoming createdDateTime', () => {
    const referral = reach('classic', [], lifecycleRfi({ createdDateTime: iso(-70 * HOUR) }));
    expect(referral.expirationDateTime).to.equal(iso(2 * HOUR));
    expect(
      dueTimers(referral, policyFor('classic'), at(HOUR)).map((t) => t.type),
      'overdue reminder',
    ).to.deep.equal(['remind']);
    expect(stateOf(step(referral, { type: 'skip' }, at(2 * HOUR), policyFor('classic')))).to.equal('Closed/Skipped');
  });

  it('an RFI arriving already past its deadline is closable at once', () => {
    const referral = reach('inbox', [], lifecycleRfi({ createdDateTime: iso(-15 * DAY) }));
    expect(dueTimers(referral, policyFor('inbox'), at(0))).to.deep.equal([{ type: 'expire', dueAt: iso(-DAY) }]);
  });

  // [flow, incoming expirationDateTime (h after T0), resulting expirationDateTime (h), pending timers]
  const EXPIRATION: ReadonlyArray<readonly [Flow, number, number, ReadonlyArray<readonly [TimerCommandType, number]>]> = [
    [
      'inbox',
      5 * 24,
      5 * 24,
      [
        ['remind', 24],
        ['warnExpiry', 3 * 24],
        ['expire', 5 * 24],
      ],
    ],
    // a later one than the policy's also wins: Partner Center's expiry is the truth
    [
      'inbox',
      20 * 24,
      20 * 24,
      [
        ['remind', 24],
        ['warnExpiry', 18 * 24],
        ['expire', 20 * 24],
      ],
    ],
    // too close for a reminder or a warning: only the expiry
    ['inbox', 12, 12, [['expire', 12]]],
    [
      'classic',
      48,
      48,
      [
        ['remind', 24],
        ['skip', 48],
      ],
    ],
    [
      'classic',
      100,
      100,
      [
        ['remind', 24],
        ['skip', 100],
      ],
    ],
  ];
  for (const [flow, incoming, result, timers] of EXPIRATION) {
    it(`${flow}: incoming expirationDateTime @${incoming}h → expires @${result}h`, () => {
      const referral = reach(flow, [], lifecycleRfi({ expirationDateTime: iso(incoming * HOUR) }));
      expect(referral.expirationDateTime).to.equal(iso(result * HOUR));
      expect(timersOf(referral)).to.deep.equal(timers);
      const closing = timers.at(-1)![0];
      expect(refusal(referral, { type: closing }, at(result * HOUR - 1), policyFor(flow))).to.equal('NotDue');
      expect(step(referral, { type: closing }, at(result * HOUR), policyFor(flow)).status).to.equal('Closed');
    });
  }

  it('classic: interested moves the deadline to interested + evaluateWithin', () => {
    const policy = policyFor('classic');
    const referral = reach('classic', [[10, 'interested']]);
    expect(referral.expirationDateTime).to.equal(iso(10 * HOUR + 7 * DAY));
    expect(refusal(referral, { type: 'skip' }, at(72 * HOUR), policy)).to.equal('NotDue');
    expect(refusal(referral, { type: 'expire' }, at(72 * HOUR), policy)).to.equal('NotDue');
    expect(refusal(referral, { type: 'expire' }, at(10 * HOUR + 7 * DAY - 1), policy)).to.equal('NotDue');
    expect(stateOf(step(referral, { type: 'expire' }, at(10 * HOUR + 7 * DAY), policy))).to.equal('Closed/Expired');
  });

  it('classic: interested uses the policy evaluateWithinMs', () => {
    const policy = policyFor('classic', { evaluateWithinMs: 2 * DAY });
    const referral = step(reach('classic', [], PLAIN, policy), command('interested'), at(HOUR), policy);
    expect(referral.expirationDateTime).to.equal(iso(HOUR + 2 * DAY));
  });

  // The incoming expirationDateTime is for the first phase (the skip); interested starts a fresh one.
  for (const incomingDays of [5, 20]) {
    it(`classic: interested sets evaluating to interested + evaluateWithin, ignoring an incoming expirationDateTime (@${incomingDays} d)`, () => {
      const rfi = lifecycleRfi({ expirationDateTime: iso(incomingDays * DAY) });
      expect(timersOf(reach('classic', [], rfi)).at(-1), 'the skip follows the incoming expiry').to.deep.equal(['skip', incomingDays * 24]);
      const referral = reach('classic', [[1, 'interested']], rfi);
      expect(referral.expirationDateTime).to.equal(iso(HOUR + 7 * DAY));
      expect(timersOf(referral)).to.deep.equal([['expire', 1 + 7 * 24]]);
      expect(refusal(referral, { type: 'expire' }, at(HOUR + 7 * DAY - 1), policyFor('classic'))).to.equal('NotDue');
      expect(stateOf(step(referral, { type: 'expire' }, at(HOUR + 7 * DAY), policyFor('classic')))).to.equal('Closed/Expired');
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('timers: close-date reminder', () => {
  const policy = policyFor('inbox');
  /** The accept fixture's close date (a day: its 00:00 UTC), ms after T0. */
  const CLOSE = CLOSE_DATE_MS;
  /** When it has passed: 00:00 UTC the next day. The first reminder falls due then. */
  const PASSED = CLOSE_DATE_PASSED_MS;
  const accepted = () => reach('inbox', [[1, 'accept']]);
  const edit = (referral: Referral, changes: { closingDateTime?: string; notes?: string }, when: number) =>
    step(referral, { type: 'editEngagement', actor: ALICE, changes }, at(when), policy);

  it('a close date passes at the start of the next UTC day (closeDatePassedAt)', () => {
    expect(iso(CLOSE)).to.equal(CLOSE_DATE);
    expect(closeDatePassedAt(CLOSE_DATE)).to.equal('2024-04-04T00:00:00.000Z');
    expect(closeDatePassedAt(CLOSE_DATE)).to.equal(iso(PASSED));
    // a close date stored with a time of day is still that day
    expect(closeDatePassedAt('2024-04-03T23:59:59.999Z')).to.equal('2024-04-04T00:00:00.000Z');
  });

  it('is not due during the close date itself, only from 00:00 UTC the next day', () => {
    const referral = accepted();
    expect(nextTimer(referral, policy)).to.deep.equal({ type: 'remindCloseDate', dueAt: '2024-04-04T00:00:00.000Z' });
    for (const during of ['2024-04-03T00:00:00.000Z', '2024-04-03T09:00:00.000Z', '2024-04-03T23:59:00.000Z', '2024-04-03T23:59:59.999Z']) {
      expect(dueTimers(referral, policy, new Date(during)), during).to.deep.equal([]);
      expect(refusal(referral, { type: 'remindCloseDate' }, new Date(during), policy), during).to.equal('NotDue');
    }
    const midnight = new Date('2024-04-04T00:00:00.000Z');
    expect(dueTimers(referral, policy, midnight)).to.deep.equal([{ type: 'remindCloseDate', dueAt: midnight.toISOString() }]);
    expect(step(referral, { type: 'remindCloseDate' }, midnight, policy).history.at(-1)).to.deep.equal({
      type: 'closeDatePassed',
      at: midnight.toISOString(),
      closingDateTime: CLOSE_DATE,
    });
  });

  it('repeats every closeReminderEveryMs after the close date passed, recording the date it reminded of', () => {
    let referral = accepted();
    referral = step(referral, { type: 'remindCloseDate' }, at(PASSED), policy);
    expect(referral.history.at(-1)).to.deep.equal({ type: 'closeDatePassed', at: iso(PASSED), closingDateTime: CLOSE_DATE });
    expect(pendingTimers(referral, policy)).to.deep.equal([{ type: 'remindCloseDate', dueAt: iso(PASSED + 7 * DAY) }]);
    expect(refusal(referral, { type: 'remindCloseDate' }, at(PASSED + DAY), policy)).to.equal('NotDue');
    expect(refusal(referral, { type: 'remindCloseDate' }, at(PASSED + 7 * DAY - 1), policy)).to.equal('NotDue');
    referral = step(referral, { type: 'remindCloseDate' }, at(PASSED + 7 * DAY), policy);
    expect(nextTimer(referral, policy)).to.deep.equal({ type: 'remindCloseDate', dueAt: iso(PASSED + 14 * DAY) });
    expect(referral.history.filter((e) => e.type === 'closeDatePassed')).to.have.length(2);
  });

  it('the period counts from the last reminder (a late one shifts the next)', () => {
    let referral = step(accepted(), { type: 'remindCloseDate' }, at(PASSED + 3 * DAY), policy);
    expect(nextTimer(referral, policy)?.dueAt).to.equal(iso(PASSED + 10 * DAY));
    referral = step(referral, { type: 'remindCloseDate' }, at(PASSED + 10 * DAY), policy);
    expect(nextTimer(referral, policy)?.dueAt).to.equal(iso(PASSED + 17 * DAY));
  });

  it('uses the policy closeReminderEveryMs', () => {
    const daily = policyFor('inbox', { closeReminderEveryMs: DAY });
    const referral = step(accepted(), { type: 'remindCloseDate' }, at(PASSED), daily);
    expect(nextTimer(referral, daily)?.dueAt).to.equal(iso(PASSED + DAY));
  });

  it('restarts when the close date is edited (to a later date): due when the new date has passed', () => {
    let referral = step(accepted(), { type: 'remindCloseDate' }, at(PASSED), policy);
    referral = edit(referral, { closingDateTime: iso(CLOSE + 20 * DAY) }, PASSED + DAY);
    expect(pendingTimers(referral, policy)).to.deep.equal([{ type: 'remindCloseDate', dueAt: iso(PASSED + 20 * DAY) }]);
    expect(refusal(referral, { type: 'remindCloseDate' }, at(PASSED + 7 * DAY), policy)).to.equal('NotDue');
    expect(refusal(referral, { type: 'remindCloseDate' }, at(CLOSE + 20 * DAY), policy), 'not on the new date itself').to.equal('NotDue');
    referral = step(referral, { type: 'remindCloseDate' }, at(PASSED + 20 * DAY), policy);
    expect(referral.history.at(-1)).to.include({ type: 'closeDatePassed', closingDateTime: iso(CLOSE + 20 * DAY) });
  });

  it('restarts when the close date is edited before it passed', () => {
    const referral = edit(accepted(), { closingDateTime: iso(CLOSE - 20 * DAY) }, 2 * DAY);
    expect(nextTimer(referral, policy)).to.deep.equal({ type: 'remindCloseDate', dueAt: iso(PASSED - 20 * DAY) });
  });

  it('an edit to a date already past is due at once', () => {
    const referral = edit(step(accepted(), { type: 'remindCloseDate' }, at(PASSED), policy), { closingDateTime: iso(CLOSE - DAY) }, PASSED + DAY);
    // the day before the old close date passed at the old close date's 00:00, long before the edit
    expect(dueTimers(referral, policy, at(PASSED + DAY))).to.deep.equal([{ type: 'remindCloseDate', dueAt: iso(PASSED - DAY) }]);
  });

  it('an edit that leaves the close date alone does not restart it', () => {
    const referral = edit(step(accepted(), { type: 'remindCloseDate' }, at(PASSED), policy), { notes: 'still talking' }, PASSED + DAY);
    expect(nextTimer(referral, policy)?.dueAt).to.equal(iso(PASSED + 7 * DAY));
    expect(refusal(referral, { type: 'remindCloseDate' }, at(PASSED + DAY), policy)).to.equal('NotDue');
  });

  it('a manager edit restarts it too; closing the deal ends it', () => {
    let referral = step(
      accepted(),
      { type: 'editEngagement', actor: MARY, asManager: true, changes: { closingDateTime: iso(CLOSE + 30 * DAY) } },
      at(DAY),
      policy,
    );
    expect(nextTimer(referral, policy)?.dueAt).to.equal(iso(PASSED + 30 * DAY));
    referral = step(referral, command('won'), at(2 * DAY), policy);
    expect(pendingTimers(referral, policy)).to.deep.equal([]);
    expect(refusal(referral, { type: 'remindCloseDate' }, at(PASSED + 30 * DAY), policy)).to.equal('Closed');
  });
});

// ---------------------------------------------------------------------------------------------
describe('timers: urgent ("contact me") marker', () => {
  // [callToAction, urgent?]
  const MARKER: ReadonlyArray<readonly [unknown, boolean]> = [
    ['ContactMe', true],
    ['contactme', true],
    ['Contact Me', true],
    ['contact_me', true],
    ['CONTACT-ME', true],
    ['LearnMore', false],
    ['', false],
    [undefined, false],
    [42, false],
    [{ type: 'ContactMe' }, false],
  ];
  for (const [callToAction, urgent] of MARKER) {
    it(`callToAction ${JSON.stringify(callToAction)} → urgent ${urgent}`, () => {
      const rfi = lifecycleRfi(callToAction === undefined ? {} : { callToAction });
      expect(asksForContact(rfi)).to.equal(urgent);
      expect(reach('inbox', [], rfi).urgent).to.equal(urgent);
      expect(reach('inbox', [], rfi).history[0]).to.include({ type: 'received', urgent });
    });
  }

  it('an RFI flagged contactRequested: true is urgent', () => {
    expect(asksForContact(lifecycleRfi({ contactRequested: true }))).to.equal(true);
    expect(asksForContact(lifecycleRfi({ contactRequested: false }))).to.equal(false);
  });

  it('changes at urgentForMs: stays urgent and New, records when it changed, only once', () => {
    const policy = policyFor('inbox');
    const referral = reach('inbox', [], URGENT);
    expect(referral.urgencyChangedAt).to.equal(undefined);
    expect(refusal(referral, { type: 'changeUrgency' }, at(72 * HOUR - 1), policy)).to.equal('NotDue');
    const changed = step(referral, { type: 'changeUrgency' }, at(72 * HOUR), policy);
    expect(changed).to.include({ urgent: true, status: 'New', substatus: 'Pending', urgencyChangedAt: iso(72 * HOUR) });
    expect(refusal(changed, { type: 'changeUrgency' }, at(100 * HOUR), policy)).to.equal('NotDue');
    // still acceptable afterwards
    expect(stateOf(step(changed, command('accept'), at(100 * HOUR), policy))).to.equal('Active/Accepted');
  });

  it('uses the policy urgentForMs and runs from the incoming createdDateTime', () => {
    const policy = policyFor('inbox', { urgentForMs: 6 * HOUR });
    const referral = reach('inbox', [], lifecycleRfi({ callToAction: 'ContactMe', createdDateTime: iso(-2 * HOUR) }), policy);
    expect(pendingTimers(referral, policy).find((t) => t.type === 'changeUrgency')?.dueAt).to.equal(iso(4 * HOUR));
  });

  it('accepting before urgentForMs cancels the change', () => {
    const referral = reach('inbox', [[5, 'accept']], URGENT);
    expect(referral.urgent).to.equal(true);
    expect(refusal(referral, { type: 'changeUrgency' }, at(72 * HOUR), policyFor('inbox'))).to.equal('NotDue');
    expect(referral.urgencyChangedAt).to.equal(undefined);
  });
});
