// Assignment pools in the core (docs/architecture.md#assignment): the rotation's choice and its
// reasons (pool × counters × away × cap), weights over 1,000 assignments, the moves as a
// state × command table for both flows, and the two timers each move brings.

import { expect } from 'chai';
import { chooseAssignee, loadOf, parseWindow, type Away, type ChoiceInput, type Pool } from '../../referrals/assignment.js';
import type { Command, NextAssignee } from '../../referrals/commands.js';
import { decide } from '../../referrals/lifecycle.js';
import { stats } from '../../referrals/stats.js';
import { conflictingChangesSince } from '../../referrals/staleness.js';
import type { Flow, Referral } from '../../referrals/model.js';
import { dueTimers, pendingTimers } from '../../referrals/timers.js';
import { addWorkingTime, parseWorkingHours } from '../../referrals/working-hours.js';
import { ALICE, BOB, HOUR, MARY, at, command, iso, nextAssignee, policyFor, reach, refusal, stateOf, step, type Path } from '../support/lifecycle.js';

const member = (id: string, weight = 1) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), weight });
const POOL: Pool = { members: [member('anna'), member('bruno'), member('carla')], since: iso(0) };

function input(overrides: Partial<ChoiceInput> = {}): ChoiceInput {
  return { pool: POOL, rotation: {}, away: {}, load: {}, tried: [], today: '2026-12-07', ...overrides };
}

describe('assignment: who the rotation chooses, and why', () => {
  // [what, input, chosen id or null, skipped reasons]
  const TABLE: ReadonlyArray<readonly [string, Partial<ChoiceInput>, string | null, string[]]> = [
    ['fresh pool: the first in the list', {}, 'anna', []],
    ['anna has just had one (counters after her pick)', { rotation: { anna: -2, bruno: 1, carla: 1 } }, 'bruno', []],
    ['anna and bruno had one each', { rotation: { anna: -1, bruno: -1, carla: 2 } }, 'carla', []],
    [
      'bruno away until a later date',
      { rotation: { anna: -2, bruno: 1, carla: 1 }, away: { bruno: { name: 'Bruno', until: '2026-12-28' } } },
      'carla',
      ['bruno:away'],
    ],
    ['bruno away with no date', { rotation: { anna: -2, bruno: 1, carla: 1 }, away: { bruno: { name: 'Bruno' } } }, 'carla', ['bruno:away']],
    ['bruno was away until today: back', { rotation: { anna: -2, bruno: 1, carla: 1 }, away: { bruno: { name: 'Bruno', until: '2026-12-07' } } }, 'bruno', []],
    ['carla at the cap', { pool: { ...POOL, cap: 2 }, rotation: { anna: -1, bruno: -1, carla: 2 }, load: { carla: 2 } }, 'anna', ['carla:cap']],
    ['below the cap counts', { pool: { ...POOL, cap: 2 }, rotation: { anna: -1, bruno: -1, carla: 2 }, load: { carla: 1 } }, 'carla', []],
    ['anna already had this referral', { tried: ['anna'] }, 'bruno', []],
    [
      'everyone away, at the cap or tried: nobody',
      { pool: { ...POOL, cap: 1 }, tried: ['anna'], away: { bruno: { name: 'Bruno' } }, load: { carla: 1 } },
      null,
      ['anna:tried', 'bruno:away', 'carla:cap'],
    ],
    ['an empty pool: nobody', { pool: { members: [], since: iso(0) } }, null, []],
  ];

  for (const [what, overrides, chosen, skipped] of TABLE) {
    it(what, () => {
      const choice = chooseAssignee(input(overrides));
      expect(choice.ok ? choice.member.id : null).to.equal(chosen);
      const reasons = choice.skipped.map((skip) => `${skip.id}:${skip.why}`);
      // A successful pick names who was passed over for a reason a person would act on (not "had it already").
      expect(reasons).to.deep.equal(choice.ok ? skipped.filter((reason) => !reason.endsWith(':tried')) : skipped);
    });
  }

  it('the same inputs give the same choice and counters', () => {
    const at2 = input({ rotation: { anna: 3, bruno: -5, carla: 2 } });
    expect(chooseAssignee(at2)).to.deep.equal(chooseAssignee(structuredClone(at2)));
  });

  it('honours weights over 1,000 assignments: each within ±2 % of its share, spread out', () => {
    const pool: Pool = { members: [member('anna', 5), member('bruno', 3), member('carla', 1), member('dora', 1)], since: iso(0) };
    let rotation: Record<string, number> = {};
    const counts: Record<string, number> = {};
    let longestStreak = 0;
    let streak = 0;
    let last = '';
    for (let i = 0; i < 1000; i++) {
      const choice = chooseAssignee(input({ pool, rotation }));
      if (!choice.ok) throw new Error('nobody chosen');
      rotation = choice.rotation;
      counts[choice.member.id] = (counts[choice.member.id] ?? 0) + 1;
      streak = choice.member.id === last ? streak + 1 : 1;
      last = choice.member.id;
      longestStreak = Math.max(longestStreak, streak);
    }
    for (const { id, weight } of pool.members) expect(Math.abs(counts[id]! / 1000 - weight / 10), id).to.be.at.most(0.02);
    expect(longestStreak, 'weight 5 of 10 never gets more than 2 in a row').to.be.at.most(2);
  });

  it('an away member keeps their counter and is not owed a burst when back', () => {
    let rotation: Record<string, number> = {};
    const picks: string[] = [];
    for (let i = 0; i < 12; i++) {
      const away: Record<string, Away> = i < 6 ? { carla: { name: 'Carla' } } : {};
      const choice = chooseAssignee(input({ rotation, away }));
      if (!choice.ok) throw new Error('nobody chosen');
      rotation = choice.rotation;
      picks.push(choice.member.id);
    }
    expect(picks.slice(0, 6)).to.deep.equal(['anna', 'bruno', 'anna', 'bruno', 'anna', 'bruno']);
    expect(picks.slice(6).filter((id) => id === 'carla')).to.have.length(2);
  });

  it('counts open referrals per holder: the assignee while unanswered, the owner once accepted', () => {
    const assigned = step(reach('inbox', []), command('assign', ALICE), at(0), policyFor('inbox'));
    const accepted = step(assigned, command('accept', BOB), at(HOUR), policyFor('inbox'));
    expect(loadOf([assigned, accepted, reach('inbox', [])])).to.deep.equal({ [ALICE.id]: 1, [BOB.id]: 1 });
  });

  it('reads the window as 2h, 90m, 1h30m or PT2H, within 5 min … 7 days', () => {
    expect(parseWindow('2h')).to.equal(2 * HOUR);
    expect(parseWindow('90m')).to.equal(90 * 60_000);
    expect(parseWindow('1h30m')).to.equal(90 * 60_000);
    expect(parseWindow('PT2H')).to.equal(2 * HOUR);
    for (const bad of ['', '2', 'h', '1m', '200h', 'P1D', '2 h', '-2h']) expect(parseWindow(bad), bad).to.equal(undefined);
  });

  it('counts the window in working hours: 2 h asked on Friday 17:30 (Berlin) ends Monday 10:30', () => {
    const spec = parseWorkingHours('09:00-18:00 Mon-Fri Europe/Berlin');
    const friday = new Date('2026-12-04T16:30:00.000Z'); // 17:30 in Berlin
    expect(addWorkingTime(spec, friday, 2 * HOUR).toISOString()).to.equal('2026-12-07T09:30:00.000Z');
    expect(addWorkingTime(undefined, friday, 2 * HOUR).toISOString()).to.equal('2026-12-04T18:30:00.000Z');
  });
});

// ---------------------------------------------------------------------------------------------
// The moves: state × command → who holds it after, or the error code.

const assign = (who = ALICE): Command => ({ type: 'assign', next: nextAssignee(who) });
const pass = (by = ALICE, to = BOB): Command => ({ type: 'pass', actor: by, next: nextAssignee(to, 3 * HOUR) });
const timeout = (to = BOB): Command => ({ type: 'assignTimeout', next: nextAssignee(to, 4 * HOUR) });
const nobody: NextAssignee = { nobody: true, skipped: [] };
const reassign = (to = BOB, asManager = true): Command => ({ type: 'reassign', actor: MARY, asManager, next: nextAssignee(to, 5 * HOUR) });

function holder(referral: Referral): string {
  const assignment = referral.assignment;
  if (!assignment) return `${stateOf(referral)} unassigned`;
  const who = assignment.assignee && referral.status === 'New' && referral.substatus === 'Pending' ? assignment.assignee.name : 'nobody';
  return `${stateOf(referral)} ${who}${assignment.escalatedAt ? ' escalated' : ''}`;
}

function reachAssigned(flow: Flow, path: Path): Referral {
  const policy = policyFor(flow);
  let referral = step(reach(flow, []), assign(), at(0), policy);
  for (const [hours, type] of path) referral = step(referral, command(type), at(hours * HOUR), policy);
  return referral;
}

describe('assignment: state × move table, both flows', () => {
  // [state, how it is reached, command, hours after T0, result]
  const TABLE: ReadonlyArray<readonly [string, () => Referral, Command, number, string]> = [
    ['inbox New unassigned', () => reach('inbox', []), assign(), 0, 'New/Pending Alice Seller'],
    ['inbox New unassigned', () => reach('inbox', []), { type: 'assign', next: nobody }, 0, 'New/Pending nobody escalated'],
    ['inbox New unassigned', () => reach('inbox', []), pass(), 1, 'IllegalTransition'],
    ['inbox New unassigned', () => reach('inbox', []), timeout(), 3, 'NotDue'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), assign(BOB), 1, 'IllegalTransition'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), pass(), 1, 'New/Pending Bob Seller'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), pass(BOB, MARY), 1, 'NotAssignee'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), pass(ALICE, ALICE), 1, 'IllegalTransition'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), { type: 'pass', actor: ALICE, next: nobody }, 1, 'New/Pending nobody escalated'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), timeout(), 2 - 1 / 60, 'NotDue'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), timeout(), 2, 'New/Pending Bob Seller'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), { type: 'assignTimeout', next: nobody }, 2, 'New/Pending nobody escalated'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), reassign(), 1, 'New/Pending Bob Seller'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), reassign(ALICE), 1, 'Unchanged'],
    ['inbox New → Alice', () => reachAssigned('inbox', []), reassign(BOB, false), 1, 'NotOwner'],
    ['inbox New unassigned', () => reach('inbox', []), reassign(), 1, 'IllegalTransition'],
    ['inbox Active (accepted)', () => reachAssigned('inbox', [[1, 'accept']]), reassign(), 1, 'IllegalTransition'],
    ['inbox Active (accepted)', () => reachAssigned('inbox', [[1, 'accept']]), pass(), 1, 'IllegalTransition'],
    ['inbox Active (accepted)', () => reachAssigned('inbox', [[1, 'accept']]), timeout(), 3, 'NotDue'],
    ['inbox Closed/Declined', () => reachAssigned('inbox', [[1, 'decline']]), pass(), 1, 'Closed'],
    ['inbox Closed/Declined', () => reachAssigned('inbox', [[1, 'decline']]), timeout(), 3, 'Closed'],
    ['classic New → Alice', () => reachAssigned('classic', []), pass(), 1, 'New/Pending Bob Seller'],
    ['classic New → Alice', () => reachAssigned('classic', []), timeout(), 2, 'New/Pending Bob Seller'],
    ['classic Received (interested)', () => reachAssigned('classic', [[1, 'interested']]), pass(), 1, 'IllegalTransition'],
    ['classic Received (interested)', () => reachAssigned('classic', [[1, 'interested']]), timeout(), 3, 'NotDue'],
    ['classic Closed/Skipped (no thanks)', () => reachAssigned('classic', [[1, 'noThanks']]), pass(), 1, 'Closed'],
    ['classic New → Alice', () => reachAssigned('classic', []), reassign(), 1, 'New/Pending Bob Seller'],
    ['classic Received (interested)', () => reachAssigned('classic', [[1, 'interested']]), reassign(), 1, 'IllegalTransition'],
  ];

  for (const [state, reachState, cmd, hours, result] of TABLE) {
    it(`${state} × ${cmd.type}${'next' in cmd && 'nobody' in cmd.next ? ' (nobody left)' : ''} @${Number(hours.toFixed(2))}h → ${result}`, () => {
      const referral = reachState();
      const policy = policyFor(referral.flow);
      const decision = decide(referral, cmd, at(hours * HOUR), policy);
      if (!decision.ok) {
        expect(refusal(referral, cmd, at(hours * HOUR), policy)).to.equal(result);
        return;
      }
      expect(holder(step(referral, cmd, at(hours * HOUR), policy))).to.equal(result);
    });
  }

  it('nobody gets one referral twice: after Alice passed and Bob timed out, neither may have it again', () => {
    const policy = policyFor('inbox');
    let referral = step(reachAssigned('inbox', []), pass(), at(HOUR), policy);
    referral = step(referral, timeout(MARY), at(3 * HOUR), policy);
    expect(referral.assignment?.tried).to.deep.equal([ALICE.id, BOB.id, MARY.id]);
    expect(refusal(referral, pass(MARY, ALICE), at(3 * HOUR), policy)).to.equal('IllegalTransition');
    expect(refusal(referral, pass(MARY, BOB), at(3 * HOUR), policy)).to.equal('IllegalTransition');
  });

  it('a manager may give it back to someone who had it: the window starts again, the list of who had it does not grow', () => {
    const policy = policyFor('inbox');
    let referral = step(reachAssigned('inbox', []), pass(), at(HOUR), policy);
    referral = step(referral, reassign(ALICE), at(2 * HOUR), policy);
    expect(referral.assignment).to.include({ answerBy: iso(5 * HOUR), round: 3 });
    expect(referral.assignment?.tried).to.deep.equal([ALICE.id, BOB.id]);
    expect(referral.history.at(-1)).to.deep.include({ type: 'assigned', actor: MARY });
  });

  it('a card from before the assignment is not out of date: a colleague’s Accept on it applies', () => {
    const policy = policyFor('inbox');
    const posted = reach('inbox', []);
    const moved = step(step(reachAssigned('inbox', []), pass(), at(HOUR), policy), timeout(MARY), at(3 * HOUR), policy);
    expect(conflictingChangesSince(moved, posted.version)).to.deep.equal([]);
    const decision = decide(moved, command('accept', BOB), at(4 * HOUR), policy);
    expect(decision.ok).to.equal(true);
  });

  it('managers are told once per referral: a second "nobody" after an escalation changes nothing', () => {
    const policy = policyFor('inbox');
    const escalated = step(reach('inbox', []), { type: 'assign', next: nobody }, at(0), policy);
    expect(escalated.history.filter((event) => event.type === 'escalated')).to.have.length(1);
    const assigned = step(reachAssigned('inbox', []), { type: 'assignTimeout', next: nobody }, at(2 * HOUR), policy);
    expect(assigned.history.at(-1)).to.include({ type: 'escalated', why: 'nobodyLeft' });
    expect(pendingTimers(assigned, policy).map((timer) => timer.type)).to.not.include('escalate');
  });
});

describe('assignment: timers', () => {
  const policy = policyFor('inbox');

  it('an assigned referral has its window and the escalation (created + ASSIGN_ESCALATE_AFTER)', () => {
    const referral = reachAssigned('inbox', []);
    const timers = pendingTimers(referral, policy).filter((timer) => timer.type === 'assignTimeout' || timer.type === 'escalate');
    expect(timers).to.deep.equal([
      { type: 'assignTimeout', dueAt: iso(2 * HOUR) },
      { type: 'escalate', dueAt: iso(24 * HOUR) },
    ]);
  });

  it('escalate fires once, with why noDecision, and leaves the assignee in place', () => {
    let referral = reachAssigned('inbox', []);
    referral = step(referral, timeout(), at(2 * HOUR), policy);
    expect(dueTimers(referral, policy, at(24 * HOUR)).map((timer) => timer.type)).to.include('escalate');
    referral = step(referral, { type: 'escalate' }, at(24 * HOUR), policy);
    expect(referral.history.at(-1)).to.include({ type: 'escalated', why: 'noDecision' });
    expect(referral.assignment?.assignee?.id).to.equal(BOB.id);
    expect(refusal(referral, { type: 'escalate' }, at(25 * HOUR), policy)).to.equal('NotDue');
  });

  it('a decision by anyone ends the assignment: no window, no escalation', () => {
    for (const type of ['accept', 'decline'] as const) {
      const referral = reachAssigned('inbox', [[1, type]]);
      const kinds = pendingTimers(referral, policy).map((timer) => timer.type);
      expect(kinds, type).to.not.include.members(['assignTimeout', 'escalate']);
    }
    const interested = reachAssigned('classic', [[1, 'interested']]);
    expect(pendingTimers(interested, policyFor('classic')).map((timer) => timer.type)).to.not.include.members(['assignTimeout', 'escalate']);
  });

  it('an unassigned referral has neither timer', () => {
    expect(pendingTimers(reach('inbox', []), policy).map((timer) => timer.type)).to.not.include.members(['assignTimeout', 'escalate']);
  });
});

describe('assignment: the figures, counted by hand', () => {
  const policy = policyFor('inbox');
  const CAROL = { id: 'aad-carol', name: 'Carol Seller' };
  const assignTo = (who: typeof ALICE, atHours: number): NextAssignee => nextAssignee(who, (atHours + 2) * HOUR);
  const run = (steps: ReadonlyArray<readonly [number, Command]>): Referral =>
    steps.reduce<Referral>((referral, [hours, cmd]) => step(referral, cmd, at(hours * HOUR), policy), reach('inbox', []));

  // R1: Alice answers in 1 h. R2: Alice silent (2 h), Bob passes after 3 h, Carol declines after 30 min.
  // R3: Bob has it, Mary accepts in 1 h: Bob's round is not his answer.
  const referrals = [
    run([
      [0, { type: 'assign', next: assignTo(ALICE, 0) }],
      [1, command('accept', ALICE)],
    ]),
    run([
      [0, { type: 'assign', next: assignTo(ALICE, 0) }],
      [2, { type: 'assignTimeout', next: assignTo(BOB, 2) }],
      [5, { type: 'pass', actor: BOB, next: assignTo(CAROL, 5) }],
      [5.5, command('decline', CAROL)],
    ]),
    run([
      [0, { type: 'assign', next: assignTo(BOB, 0) }],
      [1, command('accept', MARY)],
    ]),
  ].map((referral, index) => ({ ...referral, id: `r${index + 1}` }));

  it('per seller: assigned and answered in time; the assignee’s answer: median and p90', () => {
    const figures = stats(referrals, { now: at(10 * HOUR) });
    const rows = Object.fromEntries(figures.sellers.map((row) => [row.name, [row.assigned, row.answeredInTime]]));
    expect(rows).to.deep.include({ [ALICE.name]: [2, 1], [BOB.name]: [2, 0], [CAROL.name]: [1, 1] });
    expect(figures.assigneeAnswer).to.deep.equal({ answered: 3, medianMs: HOUR, p90Ms: 3 * HOUR });
  });

  it('a window after the assignments counts none of them', () => {
    const figures = stats(referrals, { from: at(6 * HOUR), now: at(10 * HOUR) });
    expect(figures.assigneeAnswer.answered).to.equal(0);
    expect(figures.sellers.every((row) => row.assigned === 0)).to.equal(true);
  });
});
