// The manager figures (referrals/stats.ts) on a hand-built mix whose every figure is worked out
// by hand below, plus the definitions' edge cases (median of an even count, nearest-rank p90,
// empty inputs, window bounds).

import { expect } from 'chai';
import type { Actor, Referral } from '../../referrals/model.js';
import { firstResponder, median, percentile, responseTimeMs, stats } from '../../referrals/stats.js';
import { DAY, HOUR, MINUTE, T0, lifecycleRfi, policyFor } from '../support/lifecycle.js';
import { tell } from '../support/story.js';

const ALICE: Actor = { id: 'aad-alice', name: 'Alice Seller' };
const BOB: Actor = { id: 'aad-bob', name: 'Bob Seller' };
const d = (days: number, hours = 0) => new Date(T0 + days * DAY + hours * HOUR);
const NOW = d(20);
const inbox = policyFor('inbox');
const classic = policyFor('classic');

const accept = (actor: Actor, dealValue: number | undefined, currency: string | undefined) => ({
  type: 'accept' as const,
  actor,
  fields: { ...(dealValue !== undefined && { dealValue }), ...(currency !== undefined && { currency }), closingDateTime: d(40).toISOString() },
  contacts: [],
});

/**
 * The mix (days after T0; NOW = day 20):
 *   A inbox  recv d0   Alice accepts +2h (EUR 10 000), won d10
 *   B inbox  recv d0   Bob declines +30h
 *   C inbox  recv d1   Bob accepts +1h (USD 5 000), lost d12
 *   D inbox  recv d2   nobody: reminded d3, expires d16
 *   E classic recv d3  Alice interested +4h, accepts +10h (EUR 20 000): Active
 *   F classic recv d4  Bob "No thanks" +30 min: Skipped
 *   G inbox  recv d19 20:00 (4 h before NOW), nobody yet
 *   H inbox  recv d5   Alice accepts +5h (GBP 7 000): Active
 *   I inbox  recv d6   Alice accepts +3h (USD 1 000), won d15
 */
function mix(): Referral[] {
  const rfi = (id: string) => lifecycleRfi({ id, customerProfile: { name: `Customer ${id}` } });
  return [
    tell(
      rfi('A'),
      d(0),
      [
        [d(0, 2), accept(ALICE, 10_000, 'EUR')],
        [d(10), { type: 'won', actor: ALICE }],
      ],
      NOW,
      inbox,
    ),
    tell(rfi('B'), d(0), [[d(0, 30), { type: 'decline', actor: BOB, reason: 'NotACustomer' }]], NOW, inbox),
    tell(
      rfi('C'),
      d(1),
      [
        [d(1, 1), accept(BOB, 5_000, 'USD')],
        [d(12), { type: 'lost', actor: BOB, reason: 'BudgetNotAdequate' }],
      ],
      NOW,
      inbox,
    ),
    tell(rfi('D'), d(2), [], NOW, inbox),
    tell(
      rfi('E'),
      d(3),
      [
        [d(3, 4), { type: 'interested', actor: ALICE }],
        [d(3, 10), accept(ALICE, 20_000, 'EUR')],
      ],
      NOW,
      classic,
    ),
    tell(rfi('F'), d(4), [[new Date(d(4).getTime() + 30 * MINUTE), { type: 'noThanks', actor: BOB }]], NOW, classic),
    tell(rfi('G'), d(19, 20), [], NOW, inbox),
    tell(rfi('H'), d(5), [[d(5, 5), accept(ALICE, 7_000, 'GBP')]], NOW, inbox),
    tell(
      rfi('I'),
      d(6),
      [
        [d(6, 3), accept(ALICE, 1_000, 'USD')],
        [d(15), { type: 'won', actor: ALICE }],
      ],
      NOW,
      inbox,
    ),
  ];
}

describe('referrals: stats', () => {
  it('the mix is what the comment says', () => {
    const states = Object.fromEntries(mix().map((r) => [r.id, `${r.flow}:${r.status}/${r.substatus}`]));
    expect(states).to.deep.equal({
      A: 'inbox:Closed/Won',
      B: 'inbox:Closed/Declined',
      C: 'inbox:Closed/Lost',
      D: 'inbox:Closed/Expired',
      E: 'classic:Active/Accepted',
      F: 'classic:Closed/Skipped',
      G: 'inbox:New/Pending',
      H: 'inbox:Active/Accepted',
      I: 'inbox:Closed/Won',
    });
  });

  it('all time: every figure', () => {
    const figures = stats(mix(), { now: NOW, respondWithinMs: 24 * HOUR });
    expect(figures.from).to.equal(null);
    expect(figures.to).to.equal(NOW.toISOString());
    expect(figures.received).to.equal(9);
    expect(figures.byState).to.deep.equal({ Pending: 1, Received: 0, Accepted: 2, Won: 2, Lost: 1, Declined: 1, Expired: 1, Skipped: 1 });
    // Responses: 0.5, 1, 2, 3, 4, 5, 30 h → median 3 h; p90 at rank ⌈6.3⌉ = 7 → 30 h.
    expect(figures.responded).to.equal(7);
    expect(figures.medianResponseMs).to.equal(3 * HOUR);
    expect(figures.p90ResponseMs).to.equal(30 * HOUR);
    // Within 24 h: all but B (6); of: the 7 answered + D (unanswered, past 24 h); G is still inside its 24 h.
    expect(figures.answeredWithin).to.deep.equal({ count: 6, of: 8, share: 0.75 });
    expect(figures.acceptance).to.deep.equal({ accepted: 5, declined: 1, expired: 1, skipped: 1, rate: 5 / 8 });
    expect(figures.expired).to.equal(1);
    expect(figures.win).to.deep.equal({ won: 2, lost: 1, rate: 2 / 3 });
    expect(figures.wonValue).to.deep.equal([
      { currency: 'EUR', value: 10_000 },
      { currency: 'USD', value: 1_000 },
    ]);
    expect(figures.pipeline).to.deep.equal({
      openDeals: 2,
      value: [
        { currency: 'EUR', value: 20_000 },
        { currency: 'GBP', value: 7_000 },
      ],
      // No USD_RATES: nothing can be added up across currencies.
      totalUsd: null,
      uncounted: ['EUR', 'GBP'],
    });
    expect(figures.sellers).to.deep.equal([
      // Alice: accepted A, E, H, I; won A, I; first responses A 2 h, E 4 h, H 5 h, I 3 h → (3 + 4) / 2.
      { id: 'aad-alice', name: 'Alice Seller', accepted: 4, won: 2, lost: 0, medianResponseMs: 3.5 * HOUR, assigned: 0, answeredInTime: 0 },
      // Bob: accepted C; lost C; first responses B 30 h, C 1 h, F 30 min → 1 h.
      { id: 'aad-bob', name: 'Bob Seller', accepted: 1, won: 0, lost: 1, medianResponseMs: HOUR, assigned: 0, answeredInTime: 0 },
    ]);
  });

  it('last 7 days: the cohort is G only; decisions and closes are the events of days 13–20', () => {
    const figures = stats(mix(), { from: d(13), now: NOW });
    expect(figures.from).to.equal(d(13).toISOString());
    expect(figures.received).to.equal(1);
    expect(figures.byState.Pending).to.equal(1);
    expect(figures.responded).to.equal(0);
    expect(figures.medianResponseMs).to.equal(null);
    expect(figures.p90ResponseMs).to.equal(null);
    expect(figures.answeredWithin).to.deep.equal({ count: 0, of: 0, share: null });
    // D expired on day 16, I was won on day 15; A (day 10) and C (day 12) closed before the window.
    expect(figures.acceptance).to.deep.equal({ accepted: 0, declined: 0, expired: 1, skipped: 0, rate: 0 });
    expect(figures.win).to.deep.equal({ won: 1, lost: 0, rate: 1 });
    expect(figures.wonValue).to.deep.equal([{ currency: 'USD', value: 1_000 }]);
    expect(figures.pipeline.openDeals).to.equal(2);
    expect(figures.sellers).to.deep.equal([
      { id: 'aad-alice', name: 'Alice Seller', accepted: 0, won: 1, lost: 0, medianResponseMs: null, assigned: 0, answeredInTime: 0 },
    ]);
  });

  it('the window bounds are inclusive; `to` cuts events after it', () => {
    const all = mix();
    expect(stats(all, { from: d(6), to: d(6), now: NOW }).received).to.equal(1); // I, received exactly at d6
    const early = stats(all, { from: d(0), to: d(1), now: NOW });
    expect(early.received).to.equal(3); // A, B (d0) and C (d1)
    expect(early.acceptance.accepted).to.equal(1); // A at d0+2h; C at d1+1h is after `to`
    expect(early.acceptance.declined).to.equal(0); // B closed at d1+6h
  });

  it('nothing at all: counts are zero, rates and times null', () => {
    const figures = stats([], { now: NOW });
    expect(figures).to.deep.include({ received: 0, responded: 0, medianResponseMs: null, p90ResponseMs: null, expired: 0, sellers: [] });
    expect(figures.acceptance.rate).to.equal(null);
    expect(figures.win.rate).to.equal(null);
    expect(figures.answeredWithin.share).to.equal(null);
    expect(figures.pipeline).to.deep.equal({ openDeals: 0, value: [], totalUsd: null, uncounted: [] });
  });

  it('a deal without a currency counts as USD; one without a value adds nothing but is an open deal', () => {
    const noCurrency = tell(lifecycleRfi({ id: 'X' }), d(0), [[d(0, 1), accept(ALICE, 300, undefined)]], NOW, inbox);
    const noValue = tell(lifecycleRfi({ id: 'Y' }), d(0), [[d(0, 1), accept(ALICE, undefined, 'EUR')]], NOW, inbox);
    const figures = stats([noCurrency, noValue], { now: NOW });
    expect(figures.pipeline).to.deep.equal({ openDeals: 2, value: [{ currency: 'USD', value: 300 }], totalUsd: 300, uncounted: [] });
  });

  it('with USD_RATES the open pipeline adds up in USD; a currency without a rate is named, not guessed', () => {
    const eur = tell(lifecycleRfi({ id: 'E1' }), d(0), [[d(0, 1), accept(ALICE, 9_200, 'EUR')]], NOW, inbox);
    const usd = tell(lifecycleRfi({ id: 'U1' }), d(0), [[d(0, 1), accept(ALICE, 1_000, 'USD')]], NOW, inbox);
    const chf = tell(lifecycleRfi({ id: 'C1' }), d(0), [[d(0, 1), accept(ALICE, 500, 'CHF')]], NOW, inbox);
    const figures = stats([eur, usd, chf], { now: NOW, usdRates: { EUR: 0.92 } });
    expect(figures.pipeline.totalUsd).to.be.closeTo(9_200 / 0.92 + 1_000, 1e-6);
    expect(figures.pipeline.uncounted).to.deep.equal(['CHF']);
  });

  it('response time, first responder, median and nearest-rank percentile', () => {
    const [a, , , dd, e] = mix();
    expect(responseTimeMs(a!)).to.equal(2 * HOUR);
    expect(responseTimeMs(dd!)).to.equal(undefined);
    expect(firstResponder(e!)).to.deep.equal(ALICE);
    expect(firstResponder(dd!)).to.equal(undefined);
    expect(median([])).to.equal(null);
    expect(median([5])).to.equal(5);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(percentile([], 90)).to.equal(null);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).to.equal(9);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110], 90)).to.equal(100);
    expect(percentile([7], 90)).to.equal(7);
  });
});

describe('referrals: stats count the won value the seller confirmed', () => {
  it('a deal accepted at EUR 10,000 and won at EUR 12,500 adds 12,500 to the won value; the pipeline no longer holds it', () => {
    const rfi = lifecycleRfi({ id: 'W', customerProfile: { name: 'Customer W' } });
    const won = tell(
      rfi,
      d(0),
      [
        [d(0, 2), accept(ALICE, 10_000, 'EUR')],
        [d(10), { type: 'won', actor: ALICE, final: { dealValue: 12_500, closingDateTime: d(10).toISOString() } }],
      ],
      NOW,
      inbox,
    );
    const figures = stats([won], { now: NOW });
    expect(figures.wonValue).to.deep.equal([{ currency: 'EUR', value: 12_500 }]);
    expect(figures.pipeline.openDeals).to.equal(0);
    expect(won.details.closingDateTime).to.equal(d(10).toISOString());
  });
});
