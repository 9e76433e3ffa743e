// The manager-view cards (list / my, stats, digest) and the response time on the closed referral
// card: every card parses with the official adaptivecards SDK at 1.5 without a warning, in both
// locales, and shows what it should.

import { expect } from 'chai';
import { formatDuration, formatPercent, LOCALES, t } from '../../cards/i18n.js';
import { renderDigest, renderList, renderReferralCard, renderStats } from '../../cards/render.js';
import { digestContent } from '../../referrals/digest-content.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { listView, LIST_FILTERS } from '../../referrals/queue-views.js';
import { stats } from '../../referrals/stats.js';
import type { Referral } from '../../referrals/model.js';
import { buttonsOf, cardProblems, elementsOf, HOUR, scenarios, shown } from '../support/cards.js';

const NOW = new Date('2026-03-20T10:00:00.000Z');

/** Every scenario of both flows, each with its own id. */
function referrals(): Referral[] {
  return scenarios().map((scenario, index) => ({ ...scenario.referral, id: `r${String(index).padStart(2, '0')}` }));
}

describe('cards: manager views', () => {
  for (const locale of LOCALES) {
    it(`list (${locale}): every filter parses at 1.5; one Show button per row; the rest counted`, () => {
      for (const filter of LIST_FILTERS) {
        const view = listView(referrals(), filter, 'aad-alice', NOW, DEFAULT_POLICY);
        const card = renderList(locale, view, { scope: t(locale, 'list.scope.channel') });
        expect(cardProblems(card), filter).to.deep.equal([]);
        const buttons = buttonsOf(card);
        expect(
          buttons.map((button) => button.data?.['referralId']),
          filter,
        ).to.deep.equal(view.rows.map((row) => row.id));
        for (const button of buttons) expect(button).to.include({ type: 'Action.Execute', verb: 'show', title: t(locale, 'list.show') });
        for (const button of buttons) expect(Object.keys(button.data ?? {})).to.deep.equal(['referralId']);
        const text = shown(card);
        expect(text).to.include(t(locale, `list.title.${filter}`, { count: view.total }));
        if (view.more > 0) expect(text).to.include(t(locale, 'list.more', { count: view.more }));
        else expect(text).not.to.include(t(locale, 'list.more', { count: view.more }));
      }
    });

    it(`list (${locale}): an empty list says so; "my" has its own title`, () => {
      const empty = renderList(locale, listView([], 'mine', 'x', NOW, DEFAULT_POLICY), { scope: 's', title: t(locale, 'my.title', { count: 0 }) });
      expect(cardProblems(empty)).to.deep.equal([]);
      expect(shown(empty))
        .to.include(t(locale, 'list.emptyMine'))
        .and.include(t(locale, 'my.title', { count: 0 }));
      expect(buttonsOf(empty)).to.deep.equal([]);
    });

    it(`stats (${locale}): parses at 1.5, every figure has its line, a table per seller`, () => {
      const figures = stats(referrals(), { now: NOW });
      const card = renderStats(locale, figures, { period: '30d', scope: t(locale, 'list.scope.all') });
      expect(cardProblems(card)).to.deep.equal([]);
      const factSets = Object.fromEntries(
        elementsOf(card)
          .filter((e) => e['type'] === 'FactSet')
          .map((e) => [e['id'], (e['facts'] as { title: string }[]).map((f) => f.title)]),
      );
      expect(factSets['stats-response']).to.deep.equal([
        t(locale, 'stats.medianResponse'),
        t(locale, 'stats.p90Response'),
        t(locale, 'stats.answeredWithin', { duration: formatDuration(locale, 24 * HOUR) }),
      ]);
      expect(factSets['stats-outcomes']).to.deep.equal([
        t(locale, 'stats.acceptanceRate'),
        t(locale, 'stats.expired'),
        t(locale, 'stats.winRate'),
        t(locale, 'stats.wonValue'),
        t(locale, 'stats.pipeline'),
      ]);
      expect(factSets['stats-states']).to.have.length(Object.values(figures.byState).filter((count) => count > 0).length);
      const table = elementsOf(card).find((e) => e['id'] === 'stats-sellers')!;
      expect(table['rows']).to.have.length(1 + figures.sellers.length);
      expect(shown(card)).to.include(t(locale, 'stats.title', { period: t(locale, 'stats.period.30d') }));
    });

    it(`stats (${locale}): with nothing to count, dashes instead of numbers`, () => {
      const card = renderStats(locale, stats([], { now: NOW }), { period: '7d', scope: 's' });
      expect(cardProblems(card)).to.deep.equal([]);
      const text = shown(card);
      expect(text).to.include(t(locale, 'stats.receivedNone')).and.include(t(locale, 'stats.sellersNone')).and.include('—');
      expect(elementsOf(card).some((e) => e['type'] === 'Table')).to.equal(false);
    });

    it(`digest (${locale}): parses at 1.5; attention and changes with Show buttons; empty sections hidden`, () => {
      const content = digestContent(referrals(), {
        since: new Date('2026-03-01T00:00:00Z'),
        until: NOW,
        now: NOW,
        policy: DEFAULT_POLICY,
        timeZone: 'Europe/Berlin',
      });
      expect(content.attention.length).to.be.greaterThan(0);
      expect(content.changes.length).to.be.greaterThan(10);
      const card = renderDigest(locale, content, { slot: NOW.toISOString(), since: '2026-03-01T00:00:00.000Z' });
      expect(cardProblems(card)).to.deep.equal([]);
      const buttons = buttonsOf(card);
      expect(buttons).to.have.length(Math.min(10, content.attention.length) + 10);
      for (const button of buttons) expect(button).to.include({ verb: 'show' });
      expect(shown(card)).to.include(t(locale, 'list.more', { count: content.changes.length - 10 }));
      const onlyChanges = renderDigest(
        locale,
        { attention: [], changes: content.changes.slice(0, 2) },
        { slot: NOW.toISOString(), since: '2026-03-19T10:00:00.000Z' },
      );
      expect(cardProblems(onlyChanges)).to.deep.equal([]);
      expect(elementsOf(onlyChanges).some((e) => e['id'] === 'digest-attention')).to.equal(false);
      expect(elementsOf(onlyChanges).some((e) => e['id'] === 'digest-changes')).to.equal(true);
    });

    it(`closed referral card (${locale}): shows the response time, or that nobody responded`, () => {
      for (const scenario of scenarios().filter((s) => s.referral.status === 'Closed')) {
        const card = renderReferralCard(scenario.referral, { locale, now: scenario.now, policy: DEFAULT_POLICY });
        expect(cardProblems(card), scenario.name).to.deep.equal([]);
        const facts = elementsOf(card)
          .filter((e) => e['type'] === 'FactSet')
          .flatMap((e) => e['facts'] as { title: string; value: string }[]);
        const fact = facts.find((f) => f.title === t(locale, 'card.responseTime'));
        expect(fact, scenario.name).to.exist;
        const { firstResponseDateTime, receivedDateTime } = scenario.referral;
        const expected = firstResponseDateTime
          ? formatDuration(locale, Date.parse(firstResponseDateTime) - Date.parse(receivedDateTime))
          : t(locale, 'card.noResponse');
        expect(fact!.value, scenario.name).to.equal(expected);
      }
    });
  }

  it('the response time reads as hours and minutes (declined after 3 h; won after 2 h)', () => {
    const byName = Object.fromEntries(scenarios().map((s) => [s.name, s]));
    const declined = byName['inbox Closed/Declined']!;
    expect(shown(renderReferralCard(declined.referral, { locale: 'en', now: declined.now, policy: DEFAULT_POLICY }))).to.include('3 h');
    const open = byName['inbox Active/Accepted']!;
    expect(shown(renderReferralCard(open.referral, { locale: 'en', now: open.now, policy: DEFAULT_POLICY }))).not.to.include(t('en', 'card.responseTime'));
  });

  it('formats durations and percentages', () => {
    const MIN = 60_000;
    expect(formatDuration('en', 0)).to.equal('0 s');
    expect(formatDuration('en', 3_000)).to.equal('3 s');
    expect(formatDuration('en', 45 * MIN + 20_000)).to.equal('45 min');
    expect(formatDuration('en', 3 * HOUR)).to.equal('3 h');
    expect(formatDuration('en', 3 * HOUR + 20 * MIN)).to.equal('3 h 20 min');
    expect(formatDuration('en', 23 * HOUR + 59 * MIN + 50_000)).to.equal('24 h');
    expect(formatDuration('en', 52 * HOUR + 10 * MIN)).to.equal('52 h 10 min');
    expect(formatDuration('en', 72 * HOUR)).to.equal('72 h');
    expect(formatDuration('en', 7 * 24 * HOUR)).to.equal('7 d');
    expect(formatDuration('en', 100 * HOUR)).to.equal('4 d 4 h');
    expect(formatDuration('ru', 26 * HOUR)).to.equal('26 ч');
    expect(formatDuration('ru', 14 * 24 * HOUR)).to.equal('14 дн.');
    expect(formatPercent('en', 2 / 3)).to.equal('67%');
    expect(formatPercent('ru', 0.5)).to.match(/^50\s%$/);
  });
});
