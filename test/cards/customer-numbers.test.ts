// What a seller sees before pressing Accept: the customer's own estimate (deal value, currency,
// close date) on the new card and in `list`; the referral whose customer asked to be contacted
// at the top of the list, marked.

import { expect } from 'chai';
import { formatDate, formatMoney, t } from '../../cards/i18n.js';
import { renderList, renderReferralCard } from '../../cards/render.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { listView } from '../../referrals/queue-views.js';
import { ACCEPT, at, cardRfi, run, shown } from '../support/cards.js';

const estimate = { notes: 'Teams for 400 seats', dealValue: 120_000, currency: 'EUR', closingDateTime: '2026-09-30T00:00:00.000Z' };

describe("the customer's numbers before Accept", () => {
  for (const locale of ['en', 'ru'] as const) {
    it(`(${locale}) a new card shows the estimated deal value and close date; an accepted one shows the seller's instead`, () => {
      const fresh = run('inbox', [], cardRfi({ details: estimate }));
      const text = shown(renderReferralCard(fresh, { locale, now: at(1), policy: DEFAULT_POLICY }));
      expect(text)
        .to.include(t(locale, 'card.dealValue'))
        .and.include(formatMoney(locale, 120_000, 'EUR'));
      expect(text).to.include(t(locale, 'card.closeDate')).and.include(formatDate(locale, estimate.closingDateTime));

      const accepted = run('inbox', [[2, ACCEPT]], cardRfi({ details: estimate }));
      const after = shown(renderReferralCard(accepted, { locale, now: at(3), policy: DEFAULT_POLICY }));
      expect(after)
        .to.include(formatMoney(locale, 50_000, 'EUR'))
        .and.not.include(formatMoney(locale, 120_000, 'EUR'));
    });
  }

  it('list: the referral whose customer asked to be contacted comes first with the marker; each row shows its value', () => {
    const referrals = [
      { ...run('inbox', [], cardRfi({ id: 'a', details: { ...estimate, dealValue: 10_000 } })), id: 'early' },
      { ...run('inbox', [[1, ACCEPT]], cardRfi({ id: 'b' })), id: 'accepted' },
      { ...run('inbox', [], cardRfi({ id: 'c', callToAction: 'ContactMe', details: estimate, createdDateTime: at(1).toISOString() })), id: 'asked' },
    ];
    // Sent an hour later, so by deadline alone it would come after the other new one.
    const view = listView(referrals, 'open', 'nobody', at(2), DEFAULT_POLICY);
    expect(view.rows.map((row) => row.id)[0]).to.equal('asked');
    const card = renderList('en', view, { scope: 's' });
    const text = shown(card);
    expect(text.indexOf(t('en', 'list.urgent'))).to.be.greaterThan(-1);
    expect(text.split(t('en', 'list.urgent'))).to.have.length(2);
    for (const value of [formatMoney('en', 120_000, 'EUR'), formatMoney('en', 10_000, 'EUR'), formatMoney('en', 50_000, 'EUR')]) expect(text).to.include(value);
  });
});

describe("the customer's contact preference", () => {
  it('reads in the card\'s language ("предпочитает: телефон", not "Phone"); an unknown one as sent', () => {
    const referral = (preference: string) =>
      run('inbox', [], cardRfi({ customerProfile: { name: 'Contoso', team: [{ firstName: 'Chris', lastName: 'C', contactPreference: preference }] } }));
    expect(shown(renderReferralCard(referral('Phone'), { locale: 'ru', now: at(1), policy: DEFAULT_POLICY }))).to.include('предпочитает: телефон');
    expect(shown(renderReferralCard(referral('Email'), { locale: 'en', now: at(1), policy: DEFAULT_POLICY }))).to.include('prefers e-mail');
    expect(shown(renderReferralCard(referral('Carrier pigeon'), { locale: 'en', now: at(1), policy: DEFAULT_POLICY }))).to.include('prefers Carrier pigeon');
  });
});

describe('list rows say the customer once', () => {
  it('an engagement named after its customer shows alone; one with a name of its own after the customer', () => {
    const named = { ...run('inbox', [], cardRfi({ id: 'n', name: 'Contoso – Teams rollout' })), id: 'named' };
    const other = { ...run('inbox', [], cardRfi({ id: 'o', name: 'Teams rollout' })), id: 'other' };
    const text = shown(renderList('en', listView([named, other], 'open', 'nobody', at(2), DEFAULT_POLICY), { scope: 's' }));
    expect(text).to.include('Contoso – Teams rollout').and.not.include('Contoso Ltd · Contoso – Teams rollout');
    expect(text).to.include('Contoso Ltd · Teams rollout');
  });
});
