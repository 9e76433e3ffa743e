// The demo's sample referrals (npm run demo) are valid RFIs for the intake API, varied, and fresh per run.

import { expect } from 'chai';
import { validateRfi } from '../../referrals/rfi-schema.js';
import { demoReferrals } from '../../scripts/demo.js';

describe('demo referrals (npm run demo)', () => {
  const now = Date.parse('2026-11-21T09:00:00Z');
  const referrals = demoReferrals(now, 'test');

  it('are 6–8 referrals that pass intake validation', () => {
    expect(referrals.length).to.be.within(6, 8);
    for (const rfi of referrals) {
      const result = validateRfi(rfi);
      expect(result.ok, `${String(rfi['id'])}: ${JSON.stringify(!result.ok && result.problems)}`).to.equal(true);
    }
  });

  it('vary in country, size, currency and need, and one customer asked to be contacted', () => {
    const profiles = referrals.map((rfi) => rfi['customerProfile'] as { address: { country: string }; size: string });
    expect(profiles.map((profile) => profile.address.country)).to.include.members(['DE', 'AT', 'FR', 'US', 'JP']);
    expect(new Set(profiles.map((profile) => profile.size)).size).to.be.at.least(4);
    const currencies = referrals.map((rfi) => (rfi['details'] as { currency?: string }).currency).filter(Boolean);
    expect(new Set(currencies)).to.have.keys('EUR', 'USD', 'JPY');
    expect(referrals.filter((rfi) => rfi['callToAction'] === 'ContactMe')).to.have.length(1);
    const products = referrals.map((rfi) => JSON.stringify((rfi['details'] as { requirements?: unknown }).requirements));
    expect(new Set(products).size).to.equal(referrals.length);
  });

  it('are dated in the past, expire 14 days after creation, and get new ids on every run', () => {
    for (const rfi of referrals) {
      const created = Date.parse(String(rfi['createdDateTime']));
      expect(created).to.be.below(now);
      expect(Date.parse(String(rfi['expirationDateTime'])) - created).to.equal(14 * 24 * 3_600_000);
    }
    const ids = referrals.map((rfi) => rfi['id']);
    expect(new Set(ids).size).to.equal(ids.length);
    const again = demoReferrals(now + 1000).map((rfi) => rfi['id']);
    expect(again.filter((id) => ids.includes(id))).to.deep.equal([]);
  });
});
