// Response time runs on Partner Center's clock (createdDateTime, when the customer sent the
// referral), not from when the bot received it: on the card, in stats and in the export alike.

import { expect } from 'chai';
import { formatDuration, t } from '../../cards/i18n.js';
import { renderReferralCard } from '../../cards/render.js';
import { toExportRow } from '../../referrals/export-view.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { stats } from '../../referrals/stats.js';
import { at, BOB, elementsOf, HOUR, cardRfi, run, T0 } from '../support/cards.js';

const MINUTE = 60_000;

describe('response time is counted from when the customer sent the referral', () => {
  // Sent 26 h before the bot took it in (the bot was down, or Partner Center was slow to deliver), declined 2 min after.
  const sent = new Date(T0 - 26 * HOUR).toISOString();
  const referral = run('inbox', [[2 / 60, { type: 'decline', actor: BOB, reason: 'NotACustomer' }]], cardRfi({ createdDateTime: sent }));
  const expected = 26 * HOUR + 2 * MINUTE;

  it('the closed card shows 1 d 2 h, not 2 min', () => {
    const card = renderReferralCard(referral, { locale: 'en', now: at(1), policy: DEFAULT_POLICY });
    const facts = elementsOf(card)
      .filter((e) => e['type'] === 'FactSet')
      .flatMap((e) => e['facts'] as { title: string; value: string }[]);
    expect(facts.find((fact) => fact.title === t('en', 'card.responseTime'))?.value).to.equal(formatDuration('en', expected));
  });

  it('stats count it as not answered within 24 h', () => {
    const figures = stats([referral], { now: at(1) });
    expect(figures.medianResponseMs).to.equal(expected);
    expect(figures.answeredWithin).to.deep.include({ count: 0, of: 1 });
  });

  it('the export says 93,720 seconds', () => {
    expect(toExportRow(referral).responseTimeSeconds).to.equal(expected / 1000);
  });

  it('an unanswered referral counts as missed once 24 h have passed since it was sent, though received just now', () => {
    const unanswered = run('inbox', [], cardRfi({ createdDateTime: sent }));
    expect(stats([unanswered], { now: at(0.5) }).answeredWithin).to.deep.include({ count: 0, of: 1 });
  });
});
