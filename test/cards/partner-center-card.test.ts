// What the card says of Partner Center: "Open in Partner Center" when PARTNER_CENTER_REFERRAL_URL
// is set; for the owner and managers, a write that was not saved there (with its reason and a
// retry button) or writes on their way. Every variant parses with the Adaptive Cards SDK at 1.5.

import { expect } from 'chai';
import { escapeMarkdown, t } from '../../cards/index.js';
import { renderReferralCard } from '../../cards/render.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { ACCEPT, actionsOf, at, cardProblems, cardRfi, run, scenarios, shown } from '../support/cards.js';

describe('cards: Partner Center on the referral card', () => {
  it('with PARTNER_CENTER_REFERRAL_URL every card, open or closed, links to the referral there (its id encoded)', () => {
    const display = { timeZone: 'UTC', referralUrl: 'https://partner.microsoft.com/dashboard/referrals/v2/leads/{id}/details' };
    for (const scenario of scenarios()) {
      const card = renderReferralCard(scenario.referral, { locale: 'ru', now: scenario.now, policy: DEFAULT_POLICY, display });
      expect(cardProblems(card), scenario.name).to.deep.equal([]);
      const link = actionsOf(card).find((action) => action.type === 'Action.OpenUrl');
      expect(link, scenario.name).to.include({ title: t('ru', 'action.openInPartnerCenter') });
      expect((link as unknown as { url: string }).url).to.equal(
        `https://partner.microsoft.com/dashboard/referrals/v2/leads/${encodeURIComponent(scenario.referral.id)}/details`,
      );
    }
    const plain = renderReferralCard(scenarios()[0]!.referral, { locale: 'en', now: at(1), policy: DEFAULT_POLICY });
    expect(actionsOf(plain).some((action) => action.type === 'Action.OpenUrl')).to.equal(false);
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`(${locale}) a write not saved: the reason, escaped, and a retry button; also on a closed card`, () => {
      const active = run('inbox', [[2, ACCEPT]], cardRfi());
      const closed = run(
        'inbox',
        [
          [2, ACCEPT],
          [3, { type: 'won', actor: (ACCEPT as { actor: { id: string; name: string } }).actor }],
        ],
        cardRfi(),
      );
      for (const referral of [active, closed]) {
        const card = renderReferralCard(referral, {
          locale,
          now: at(4),
          policy: DEFAULT_POLICY,
          partnerCenter: { waiting: 1, notSaved: '400: *bad* [value](https://x)' },
          refresh: true,
        });
        expect(cardProblems(card)).to.deep.equal([]);
        expect(shown(card)).to.include(t(locale, 'partnerCenter.notSaved', { reason: escapeMarkdown('400: *bad* [value](https://x)') }));
        const retry = actionsOf(card).find((action) => action.verb === 'retry');
        expect(retry).to.include({ title: t(locale, 'action.retryPartnerCenter') });
        expect((card as { refresh?: unknown }).refresh).to.not.equal(undefined);
      }
      const waiting = renderReferralCard(active, { locale, now: at(4), policy: DEFAULT_POLICY, partnerCenter: { waiting: 2 } });
      expect(shown(waiting)).to.include(t(locale, 'partnerCenter.waiting', { count: 2 }));
      expect(actionsOf(waiting).some((action) => action.verb === 'retry')).to.equal(false);
    });
  }
});
