// The stats card's two pictures: received per week against answered in time, and the open
// pipeline by stage. The figures are checked against a count done here by hand, the bars against
// the figures, and the card against the official SDK at 1.5 and Teams' 28 KB card limit.

import { expect } from 'chai';
import { LOCALES, t } from '../../cards/i18n.js';
import { renderStats } from '../../cards/render.js';
import { chartFigures, CHART_WEEKS, weekStartOf } from '../../referrals/stats-charts.js';
import type { Command } from '../../referrals/commands.js';
import { stats } from '../../referrals/stats.js';
import { ACCEPT, ALICE, BOB, cardProblems, elementsOf, HOUR, cardRfi, run, T0 } from '../support/cards.js';

const DAY = 24 * HOUR;
// T0 is Monday 2 March 2026, 09:00 UTC.
const now = new Date(T0 + 20 * DAY);

/** A referral sent and received `daysAgo` before now, answered `answerHours` later (undefined: not yet), by Accept or Decline. */
function referral(id: string, daysAgo: number, answerHours?: number, accept = false) {
  const sent = now.getTime() - daysAgo * DAY;
  const answerAt = answerHours === undefined ? undefined : (sent + answerHours * HOUR - T0) / HOUR;
  const answer = accept ? ACCEPT : ({ type: 'decline', actor: BOB, reason: 'NotACustomer' } as const);
  const built = run('inbox', answerAt === undefined ? [] : [[answerAt, answer]], cardRfi({ id, createdDateTime: new Date(sent).toISOString() }));
  return { ...built, id, receivedDateTime: new Date(sent).toISOString() };
}

describe('stats card: the pictures', () => {
  const referrals = [
    referral('a', 1, 2), // this week (Mon 16 Mar … now 22 Mar): answered in time
    referral('b', 2, 30), // this week: answered late
    referral('c', 3), // this week: not answered
    referral('d', 8, 1, true), // last week: accepted in time, still open
    referral('e', 9, 1), // last week: in time
    referral('f', 30), // five weeks ago
  ];

  it('counts received and answered-in-time per calendar week, and the open pipeline by stage, as counted by hand', () => {
    const figures = chartFigures(referrals, { now });
    // From the week of the first referral ever ('f', in the fifth week back), not CHART_WEEKS of mostly nothing.
    expect(figures.weekly).to.have.length(5);
    expect(chartFigures([...referrals, referral('old', 200)], { now }).weekly).to.have.length(CHART_WEEKS);
    const byWeek = Object.fromEntries(figures.weekly.map((week) => [week.weekStart.slice(0, 10), [week.received, week.answeredWithin]]));
    const iso = (daysAgo: number) => new Date(weekStartOf(now.getTime() - daysAgo * DAY)).toISOString().slice(0, 10);
    expect(byWeek[iso(1)]).to.deep.equal([3, 1]);
    expect(byWeek[iso(8)]).to.deep.equal([2, 2]);
    expect(byWeek[iso(30)]).to.deep.equal([1, 0]);
    expect(figures.weekly.reduce((sum, week) => sum + week.received, 0)).to.equal(6);
    // Inbox only: no Evaluating stage, a classic-flow step.
    expect(figures.stages).to.deep.equal({ Pending: 2, Accepted: 1 });
    const classic = { ...run('classic', [], cardRfi({ id: 'k' })), id: 'k' };
    expect(chartFigures([...referrals, classic], { now }).stages).to.deep.equal({ Pending: 3, Received: 0, Accepted: 1 });
    expect(new Date(figures.weekly[0]!.weekStart).getUTCDay(), 'weeks start on Monday').to.equal(1);
  });

  it('a 7-day window shows only the weeks it overlaps', () => {
    const figures = chartFigures(referrals, { now, from: new Date(now.getTime() - 7 * DAY) });
    expect(figures.weekly).to.have.length(2);
    expect(figures.weekly.reduce((sum, week) => sum + week.received, 0)).to.equal(3);
  });

  for (const locale of LOCALES) {
    it(`(${locale}) the card parses at 1.5, stays under 28 KB, and each bar is as long as its figure`, () => {
      const window = { now };
      const card = renderStats(locale, stats(referrals, window), { period: 'all', scope: 's', charts: chartFigures(referrals, window) });
      expect(cardProblems(card)).to.deep.equal([]);
      expect(Buffer.byteLength(JSON.stringify(card))).to.be.below(28 * 1024);
      const weekly = elementsOf(card).find((e) => e['id'] === 'stats-weekly')!;
      expect(JSON.stringify(weekly)).to.include(t(locale, 'stats.chart.weekly'));
      const bars = (weekly['items'] as Record<string, any>[]).filter((item) => item['type'] === 'ColumnSet');
      expect(bars).to.have.length(5);
      const segments = (row: Record<string, any>) => row['columns'][1].items[0].columns as { width: number; style: string }[];
      for (const row of bars) expect(segments(row).reduce((sum, s) => sum + s.width, 0)).to.equal(100);
      // This week: 3 received (the longest bar, no blank), 1 in time (a third in green).
      const thisWeek = segments(bars.at(-1)!);
      expect(thisWeek.map((s) => s.style)).to.deep.equal(['good', 'accent']);
      expect(thisWeek[0]!.width).to.equal(33);
      const stages = elementsOf(card).find((e) => e['id'] === 'stats-stages')!;
      expect(JSON.stringify(stages))
        .to.include(`🆕\u00a0${t(locale, 'substatus.Pending')}`)
        .and.not.include(t(locale, 'substatus.Received'));
    });
  }

  it('with nothing received, no picture', () => {
    const card = renderStats('en', stats([], { now }), { period: '7d', scope: 's', charts: chartFigures([], { now }) });
    expect(cardProblems(card)).to.deep.equal([]);
    expect(elementsOf(card).some((e) => e['id'] === 'stats-weekly' || e['id'] === 'stats-stages')).to.equal(false);
  });
});

describe('stats card: the pipeline in USD', () => {
  it('adds the open deals up in USD with USD_RATES, and names a currency it could not convert', () => {
    const eur = { ...run('inbox', [[1, ACCEPT]], cardRfi({ id: 'eur' })), id: 'eur' };
    const acceptChf: Command = {
      type: 'accept',
      actor: BOB,
      fields: { dealValue: 500, currency: 'CHF', closingDateTime: '2026-06-30T00:00:00.000Z' },
      contacts: [],
    };
    const chf = { ...run('inbox', [[1, acceptChf]], cardRfi({ id: 'chf' })), id: 'chf' };
    const window = { now, usdRates: { EUR: 0.5 } };
    const card = renderStats('en', stats([eur, chf], window), { period: 'all', scope: 's' });
    expect(cardProblems(card)).to.deep.equal([]);
    const facts = elementsOf(card).find((e) => e['id'] === 'stats-outcomes')!['facts'] as { title: string; value: string }[];
    expect(facts.find((f) => f.title === t('en', 'stats.pipelineTotal'))?.value).to.equal('≈ USD\u00a0100,000 in all (without CHF: no rate in USD_RATES)');
    const withoutRates = renderStats('en', stats([eur, chf], { now }), { period: 'all', scope: 's' });
    expect(JSON.stringify(withoutRates)).not.to.include(t('en', 'stats.pipelineTotal'));
  });
});

describe('stats card: why referrals were declined or lost', () => {
  const closedWith = (id: string, kind: 'decline' | 'lost', reason: 'NotACustomer' | 'TimelineTooShort' | 'BudgetNotAdequate') => {
    const steps: [number, Command][] =
      kind === 'decline'
        ? [[2, { type: 'decline', actor: BOB, reason }]]
        : [
            [1, ACCEPT],
            [3, { type: 'lost', actor: ALICE, reason }],
          ];
    return { ...run('inbox', steps, cardRfi({ id })), id };
  };
  // Counted by hand: Not a customer declined twice, a timeline too short once; a budget lost once.
  const referrals = [
    closedWith('d1', 'decline', 'NotACustomer'),
    closedWith('d2', 'decline', 'NotACustomer'),
    closedWith('d3', 'decline', 'TimelineTooShort'),
    closedWith('l1', 'lost', 'BudgetNotAdequate'),
  ];
  const window = { now: new Date(T0 + 10 * DAY) };

  it('counts each reason given, declined and lost apart, in Partner Center’s order; a window before the closes counts none', () => {
    expect(chartFigures(referrals, window).reasons).to.deep.equal([
      { reason: 'BudgetNotAdequate', declined: 0, lost: 1 },
      { reason: 'NotACustomer', declined: 2, lost: 0 },
      { reason: 'TimelineTooShort', declined: 1, lost: 0 },
    ]);
    expect(chartFigures(referrals, { now: new Date(T0 + HOUR) }).reasons).to.deep.equal([]);
  });

  for (const locale of LOCALES) {
    it(`(${locale}) a bar per reason, as long as its count, in red (declined) and yellow (lost); the card parses at 1.5`, () => {
      const card = renderStats(locale, stats(referrals, window), { period: 'all', scope: 's', charts: chartFigures(referrals, window) });
      expect(cardProblems(card)).to.deep.equal([]);
      const chart = elementsOf(card).find((e) => e['id'] === 'stats-reasons')!;
      expect(JSON.stringify(chart)).to.include(t(locale, 'stats.chart.reasons')).and.include(t(locale, 'reason.NotACustomer'));
      const bars = (chart['items'] as Record<string, any>[]).filter((item) => item['type'] === 'ColumnSet');
      const segments = (row: Record<string, any>) => row['columns'][1].items[0].columns as { width: number; style: string }[];
      expect(bars.map((row) => segments(row).map((s) => [s.style, s.width]))).to.deep.equal([
        [
          ['warning', 50],
          ['default', 50],
        ],
        [['attention', 100]],
        [
          ['attention', 50],
          ['default', 50],
        ],
      ]);
    });
  }
});
