// One date style per locale: every moment and every close date on a card is written by the bot in
// the card's language (not by the Teams client in its own), in the display zone, which it names.

import { expect } from 'chai';
import { formatDate, formatDateTime, t } from '../../cards/i18n.js';
import { renderList, renderReferralCard } from '../../cards/render.js';
import { threadReplyText } from '../../cards/view-models/events.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { listView } from '../../referrals/queue-views.js';
import { ACCEPT, T0, at, cardRfi, run, scenarios, shown } from '../support/cards.js';

const ENGLISH_MONTH = /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b/;
const RUSSIAN_MONTH = /(янв|февр|мар|апр|мая|июн|июл|авг|сент|окт|нояб|дек)\./;

describe('dates on cards', () => {
  for (const scenario of scenarios()) {
    it(`${scenario.name}: a Russian card has Russian dates only, an English card English ones, none left to the client`, () => {
      const ru = shown(renderReferralCard(scenario.referral, { locale: 'ru', now: scenario.now, policy: DEFAULT_POLICY }));
      const en = shown(renderReferralCard(scenario.referral, { locale: 'en', now: scenario.now, policy: DEFAULT_POLICY }));
      for (const text of [ru, en]) expect(text).not.to.match(/\{\{(DATE|TIME)\(/);
      expect(ru).not.to.match(ENGLISH_MONTH);
      expect(en).not.to.match(RUSSIAN_MONTH);
      // The received line is the customer's own clock (createdDateTime), in the card's style.
      expect(ru).to.include(formatDateTime('ru', scenario.referral.createdDateTime));
      expect(en).to.include(formatDateTime('en', scenario.referral.createdDateTime));
    });
  }

  it('a moment and a close date share the date part, and the moment names its zone', () => {
    const referral = run('inbox', [[2, ACCEPT]], cardRfi());
    const text = shown(renderReferralCard(referral, { locale: 'en', now: at(3), policy: DEFAULT_POLICY }));
    expect(formatDateTime('en', new Date(T0).toISOString())).to.equal('2 Mar 2026, 09:00 UTC');
    expect(formatDateTime('ru', new Date(T0).toISOString())).to.equal('2 мар. 2026 г., 09:00 UTC');
    expect(formatDate('ru', new Date(T0).toISOString())).to.equal('2 мар. 2026 г.');
    expect(formatDate('en', new Date(T0).toISOString())).to.equal('2 Mar 2026');
    expect(text).to.include('2 Mar 2026, 09:00 UTC');
  });

  it('DISPLAY_TIME_ZONE moves every moment into the team’s zone, named; a close date stays the same day', () => {
    const referral = run('inbox', [[2, ACCEPT]], cardRfi());
    const display = { timeZone: 'America/Los_Angeles' };
    const text = shown(renderReferralCard(referral, { locale: 'en', now: at(3), policy: DEFAULT_POLICY, display }));
    expect(text).to.include('2 Mar 2026, 01:00 GMT-8');
    // A whole day west of Greenwich must not become the day before.
    expect(text).to.include('30 Jun 2026').and.not.include('29 Jun 2026');
    const list = shown(renderList('en', listView([referral], 'open', 'nobody', at(3), DEFAULT_POLICY), { scope: 's', display }));
    expect(list).not.to.include('UTC');
    // Each view is given its zone: another in the same process is not moved by it.
    expect(shown(renderReferralCard(referral, { locale: 'en', now: at(3), policy: DEFAULT_POLICY }))).to.include('2 Mar 2026, 09:00 UTC');
  });

  it('the list and an "expires soon" reply use the same style as the card', () => {
    const referral = run('inbox', [[12 * 24, { type: 'warnExpiry' }]], cardRfi());
    for (const locale of ['en', 'ru'] as const) {
      const list = shown(renderList(locale, listView([referral], 'open', 'nobody', at(12 * 24), DEFAULT_POLICY), { scope: 's' }));
      expect(list).not.to.match(/\{\{(DATE|TIME)\(/);
      const event = referral.history.find((entry) => entry.type === 'expiryWarned')!;
      const reply = threadReplyText(locale, event, referral, DEFAULT_POLICY)!;
      expect(reply).to.equal(t(locale, 'reply.expiresSoon', { date: formatDateTime(locale, referral.expirationDateTime) }));
    }
  });
});
