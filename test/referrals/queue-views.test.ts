// The work lists (referrals/queue-views.ts): each filter, the order it promises, deadlines, the
// ten-row limit.

import { expect } from 'chai';
import type { Actor, Referral } from '../../referrals/model.js';
import { deadlineOf, isListFilter, LIST_LIMIT, listView } from '../../referrals/queue-views.js';
import { DAY, HOUR, T0, lifecycleRfi, policyFor } from '../support/lifecycle.js';
import { tell } from '../support/story.js';

const ALICE: Actor = { id: 'aad-alice', name: 'Alice Seller' };
const BOB: Actor = { id: 'aad-bob', name: 'Bob Seller' };
/** `days` days and `hours` hours after T0 (Monday 4 March 2024, 09:00 UTC). */
const d = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * HOUR);
/** UTC midnight of the day `days` after T0 (close dates are whole days). */
const day = (days: number) => `${d(days).toISOString().slice(0, 10)}T00:00:00.000Z`;
const NOW = d(10); // Thursday 14 March 2024, 09:00 UTC
const inbox = policyFor('inbox');
const classic = policyFor('classic');

const accept = (actor: Actor, close: string) => ({
  type: 'accept' as const,
  actor,
  fields: { dealValue: 1000, currency: 'EUR', closingDateTime: close },
  contacts: [],
});
const rfi = (id: string) => lifecycleRfi({ id, customerProfile: { name: `Customer ${id}` } });

function mix(): Referral[] {
  return [
    tell(rfi('P1'), d(9, 3), [], NOW, inbox), // respond by d10 +3h: 3 h after NOW
    tell(rfi('P2'), d(8), [], NOW, inbox), // respond by d9: overdue
    tell(rfi('P3'), d(9, 20), [], NOW, classic), // respond by d10 20:00
    tell(rfi('R1'), d(8, 6), [[d(8, 7), { type: 'interested', actor: BOB }]], NOW, classic), // decide by d15 07:00
    tell(rfi('A1'), d(1), [[d(1, 1), accept(ALICE, day(12))]], NOW, inbox),
    tell(rfi('A2'), d(1), [[d(1, 2), accept(BOB, day(5))]], NOW, inbox), // close date passed (d5)
    tell(rfi('A3'), d(2), [[d(2, 1), accept(ALICE, day(7))]], NOW, inbox), // close date passed (d7)
    tell(rfi('C1'), d(1), [[d(2), { type: 'decline', actor: BOB, reason: 'Other' }]], NOW, inbox),
    tell(
      rfi('C2'),
      d(1),
      [
        [d(1, 5), accept(ALICE, day(6))],
        [d(6), { type: 'won', actor: ALICE }],
      ],
      NOW,
      inbox,
    ),
    tell(rfi('C3'), d(-15), [], NOW, inbox), // expired at d-1
  ];
}

const ids = (referrals: Referral[], filter: Parameters<typeof listView>[1], actor = 'aad-alice') =>
  listView(referrals, filter, actor, NOW, inbox).rows.map((row) => row.id);

describe('referrals: work lists', () => {
  it('a Pending referral is overdue once its respond-by has passed', () => {
    const [p1, p2] = mix();
    expect(deadlineOf(p1!, NOW, inbox)).to.deep.equal({ kind: 'respondBy', at: d(10, 3).toISOString(), overdue: false });
    expect(deadlineOf(p1!, d(10, 4), inbox)).to.deep.include({ overdue: true });
    expect(deadlineOf(p2!, NOW, inbox)).to.deep.equal({ kind: 'respondBy', at: d(9).toISOString(), overdue: true });
  });

  it('open (default): overdue first (longest overdue first), then by deadline', () => {
    // Overdue: A2 (close d5), A3 (close d7), P2 (respond by d9);
    // then P1 (respond by d10 +3h), P3 (respond by d10 +20h), A1 (close d12), R1 (decide by d15 +7h).
    expect(ids(mix(), 'open')).to.deep.equal(['A2', 'A3', 'P2', 'P1', 'P3', 'A1', 'R1']);
  });

  it('new: New (Pending and Received), newest first', () => {
    expect(ids(mix(), 'new')).to.deep.equal(['P3', 'P1', 'R1', 'P2']);
  });

  it('active: Active deals, most urgent first', () => {
    expect(ids(mix(), 'active')).to.deep.equal(['A2', 'A3', 'A1']);
  });

  it('mine: what the asker owns, or evaluates (classic "I\'m interested")', () => {
    expect(ids(mix(), 'mine', 'aad-alice')).to.deep.equal(['A3', 'A1']);
    expect(ids(mix(), 'mine', 'aad-bob')).to.deep.equal(['A2', 'R1']);
    expect(ids(mix(), 'mine', 'aad-nobody')).to.deep.equal([]);
  });

  it('overdue: past respond-by or past the close date', () => {
    expect(ids(mix(), 'overdue')).to.deep.equal(['A2', 'A3', 'P2']);
  });

  it('archived: Closed, most recently closed first', () => {
    expect(ids(mix(), 'archived')).to.deep.equal(['C2', 'C1', 'C3']);
  });

  it('rows carry customer, state, owner and deadline', () => {
    const view = listView(mix(), 'open', 'x', NOW, inbox);
    const a2 = view.rows.find((row) => row.id === 'A2')!;
    expect(a2).to.deep.include({ customer: 'Customer A2', status: 'Active', substatus: 'Accepted', owner: { id: 'aad-bob', name: 'Bob Seller' } });
    expect(a2.deadline).to.deep.equal({ kind: 'closeDate', at: day(5), overdue: true });
    expect(view.rows.find((row) => row.id === 'R1')!.deadline).to.deep.equal({ kind: 'decideBy', at: d(15, 7).toISOString(), overdue: false });
    expect(view.rows.find((row) => row.id === 'P3')!.owner).to.equal(undefined);
    const closed = listView(mix(), 'archived', 'x', NOW, inbox).rows[0]!;
    expect(closed.deadline).to.deep.equal({ kind: 'closed', at: d(6).toISOString(), overdue: false });
  });

  it('a close date is overdue only once its day is over (UTC)', () => {
    const today = tell(rfi('T'), d(1), [[d(1, 1), accept(ALICE, day(10))]], NOW, inbox);
    expect(deadlineOf(today, NOW, inbox)).to.deep.include({ kind: 'closeDate', overdue: false });
    expect(deadlineOf(today, d(11), inbox)).to.deep.include({ overdue: true });
  });

  it('when respond-by falls after the expiry, the expiry is the deadline (expires / skipped)', () => {
    const early = (id: string) => lifecycleRfi({ id, createdDateTime: d(9).toISOString(), expirationDateTime: d(9, 12).toISOString() });
    expect(deadlineOf(tell(early('E1'), d(9), [], d(9, 1), inbox), d(9, 1), inbox)).to.deep.equal({
      kind: 'expires',
      at: d(9, 12).toISOString(),
      overdue: false,
    });
    expect(deadlineOf(tell(early('E2'), d(9), [], d(9, 1), classic), d(9, 1), classic)).to.deep.equal({
      kind: 'skips',
      at: d(9, 12).toISOString(),
      overdue: false,
    });
  });

  it(`at most ${LIST_LIMIT} rows, and the count of the rest`, () => {
    const many = Array.from({ length: 13 }, (_, i) => tell(rfi(`N${String(i).padStart(2, '0')}`), d(9, 10 + i), [], NOW, inbox));
    const view = listView(many, 'new', 'x', d(9, 23), inbox);
    expect(view.total).to.equal(13);
    expect(view.rows).to.have.length(LIST_LIMIT);
    expect(view.more).to.equal(3);
    expect(view.rows[0]!.id).to.equal('N12');
    expect(listView([], 'open', 'x', NOW, inbox)).to.deep.equal({ filter: 'open', rows: [], total: 0, more: 0 });
  });

  it('knows its filter names', () => {
    for (const name of ['open', 'new', 'active', 'mine', 'overdue', 'archived']) expect(isListFilter(name)).to.equal(true);
    for (const name of ['Open', 'all', '', undefined, 3]) expect(isListFilter(name)).to.equal(false);
  });
});
