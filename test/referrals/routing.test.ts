// Routing rules: filter parsing, the most specific matching route wins, ties go to the oldest,
// no match → the first subscribed channel, no channel → unrouted; inactive channels never match.

import { expect } from 'chai';
import { chooseRoute, parseRouteFilters, type Route } from '../../referrals/routing.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { at, lifecycleRfi, step } from '../support/lifecycle.js';

const referral = (overrides: Parameters<typeof lifecycleRfi>[0] = {}) =>
  step(undefined, { type: 'takeIn', rfi: lifecycleRfi(overrides) }, at(0), DEFAULT_POLICY);

function route(id: string, minutesAfterFirst: number, filters: Route['filters']): Route {
  return { id, target: `channel:${id}`, filters, createdAt: new Date(Date.UTC(2026, 0, 1, 0, minutesAfterFirst)).toISOString() };
}

describe('routing', () => {
  describe('parseRouteFilters', () => {
    const cases: Array<[string[], ReturnType<typeof parseRouteFilters>]> = [
      [[], { ok: true, filters: {} }],
      [['country=de,AT'], { ok: true, filters: { country: ['DE', 'AT'] } }],
      [['region=EMEA', 'size=small'], { ok: true, filters: { region: ['EMEA'], size: ['small'] } }],
      [['keyword=azure,sql'], { ok: true, filters: { keyword: ['azure', 'sql'] } }],
      [['Country=CH', 'country=LI'], { ok: true, filters: { country: ['CH', 'LI'] } }],
      [['colour=red'], { ok: false, badToken: 'colour=red' }],
      [['country='], { ok: false, badToken: 'country=' }],
      [['country=,'], { ok: false, badToken: 'country=,' }],
      [['germany'], { ok: false, badToken: 'germany' }],
    ];
    for (const [words, expected] of cases) {
      it(`${JSON.stringify(words)} → ${JSON.stringify(expected)}`, () => {
        expect(parseRouteFilters(words)).to.deep.equal(expected);
      });
    }
  });

  describe('chooseRoute', () => {
    const all = route('all', 0, {});
    const dach = route('dach', 1, { country: ['DE', 'AT', 'CH'] });
    const dachAzure = route('dach-azure', 2, { country: ['DE'], keyword: ['azure'] });
    const emea = route('emea', 3, { region: ['europe'] });
    const small = route('small', 4, { size: ['1to50employees'] });
    const active = () => true;

    const cases: Array<[string, Parameters<typeof lifecycleRfi>[0], Route[], string | undefined]> = [
      ['no routes: unrouted', {}, [], undefined],
      ['only a catch-all', {}, [all], 'all'],
      ['country match beats catch-all', {}, [all, dach], 'dach'],
      ['two filters beat one', { details: { notes: 'Azure migration' } }, [all, dach, dachAzure], 'dach-azure'],
      [
        'keyword matched in products, case-insensitive',
        { details: { requirements: { products: [{ id: 'AzureSQL', name: 'Azure SQL' }] } } },
        [dach, dachAzure],
        'dach-azure',
      ],
      ['keyword missing: the less specific match', { details: { notes: 'Teams rollout' } }, [all, dachAzure, dach], 'dach'],
      [
        'tie between equally specific routes: the oldest',
        { customerProfile: { name: 'X', address: { country: 'DE', region: 'Europe' } } },
        [emea, dach],
        'dach',
      ],
      ['size filter', { customerProfile: { name: 'X', size: '1to50employees', address: { country: 'FR' } } }, [dach, small], 'small'],
      ['no match: the first subscribed channel (default route)', { customerProfile: { name: 'X', address: { country: 'JP' } } }, [dach, small], 'dach'],
    ];
    for (const [name, rfi, routes, expected] of cases) {
      it(name, () => {
        expect(chooseRoute(referral(rfi), routes, active)?.id).to.equal(expected);
      });
    }

    it('inactive channels never get a referral; with none active it is unrouted', () => {
      const ref = referral({});
      expect(chooseRoute(ref, [all, dach], (target) => target !== 'channel:dach')?.id).to.equal('all');
      expect(chooseRoute(ref, [all, dach], () => false)).to.equal(undefined);
    });
  });
});
