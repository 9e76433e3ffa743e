// The co-sell story on the referral card, from Partner Center's own documented examples: the
// Microsoft line with the inviter's note, the Microsoft seller with e-mail and phone (names only once
// the customer's contacts are hidden), the deal type from the consent flags, and the later fields
// (solution area and play, partner role, marketplace) when present. A referral without them looks as
// before. Every variant parses at 1.5 and stays under Teams' 28 KB at every field's maximum.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { t } from '../../cards/index.js';
import { renderReferralCard } from '../../cards/render.js';
import { CARD_LIMITS } from '../../cards/card-budget.js';
import { dealTypeOf } from '../../referrals/co-sell.js';
import type { Rfi } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { INVITE_NOTES_MAX, validateRfi } from '../../referrals/rfi-schema.js';
import { BOB, at, cardProblems, cardRfi, iso, run, shown } from '../support/cards.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/partner-center/${name}`, import.meta.url), 'utf8')) as Json;

/** A documented example taken in as Partner Center would send it now: its dates moved to the test's clock. */
function takenIn(resource: Json, id = 'documented-1'): Rfi {
  const result = validateRfi({ ...resource, id: resource['id'] ?? id, createdDateTime: iso(0), updatedDateTime: iso(0), expirationDateTime: iso(14 * 24) });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.rfi;
}

const DOCUMENTED: Array<[name: string, resource: () => Json]> = [
  ['get-a-referral-by-id', () => fixture('referral-by-id.json')],
  ['create-a-referral (co-sell request body)', () => fixture('create-referral-co-sell.json')],
  ['get-a-list-of-referrals, the Microsoft item', () => fixture('referral-list.json')['value'][1]],
];

describe('cards: the co-sell story', () => {
  for (const [name, resource] of DOCUMENTED) {
    for (const locale of ['en', 'ru'] as const) {
      it(`(${locale}) ${name}: the Microsoft line, the note, the Microsoft seller, the requirements in words`, () => {
        const doc = resource();
        const referral = run('inbox', [], takenIn(doc));
        const card = renderReferralCard(referral, { locale, now: at(1), policy: DEFAULT_POLICY });
        expect(cardProblems(card)).to.deep.equal([]);
        const text = shown(card);
        expect(text).to.include(t(locale, 'card.coSell.invited', { inviter: doc['inviteContext'].invitedBy.organizationName ?? 'Microsoft' }));
        expect(text).to.include(doc['inviteContext'].notes);
        expect(text).to.include('John Doe');
        expect(text).to.include('john.doe@microsoft.com');
        expect(text).to.include('Dynamics 365 Enterprise');
        expect(text).to.include('Deployment or Migration');
        expect(text).to.include('Dynamics 365 for Field Service');
        // The Microsoft seller is theirs, not ours: the partner's own contacts stay empty.
        expect(referral.team).to.deep.equal([]);
        expect(text).not.to.include(t(locale, 'card.team'));
      });
    }
  }

  it('the Direct item of the list example has no co-sell section: it looks as before', () => {
    const referral = run('inbox', [], takenIn(fixture('referral-list.json')['value'][0]));
    const text = shown(renderReferralCard(referral, { locale: 'en', now: at(1), policy: DEFAULT_POLICY }));
    expect(text).not.to.include('🤝');
    expect(text).to.include('Learning and Certification');
  });

  it('once declined, the Microsoft seller keeps a name but loses e-mail and phone, like the customer', () => {
    const referral = run('inbox', [[1, { type: 'decline', actor: BOB, reason: 'TimelineTooShort' }]], takenIn(fixture('referral-by-id.json')));
    const text = shown(renderReferralCard(referral, { locale: 'en', now: at(2), policy: DEFAULT_POLICY }));
    expect(text).to.include('John Doe');
    expect(text).not.to.include('john.doe@microsoft.com');
    expect(text).not.to.include('1231231234');
  });

  it('the later fields, added to the documented example, show in words; intent as yes / no', () => {
    const doc = {
      ...fixture('referral-by-id.json'),
      solutionArea: 'AIBusinessSolutions',
      solutionPlay: 'CopilotAndAgentsAtWork',
      partnerRole: 'Services',
      referralSource: 'Marketplace',
      customerMarketplaceIntent: true,
      consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
    };
    for (const locale of ['en', 'ru'] as const) {
      const card = renderReferralCard(run('inbox', [], takenIn(doc)), { locale, now: at(1), policy: DEFAULT_POLICY });
      expect(cardProblems(card)).to.deep.equal([]);
      const text = shown(card);
      for (const words of [
        'AI Business Solutions',
        'Copilot and Agents at Work',
        'Services',
        'Marketplace',
        t(locale, 'card.coSell.yes'),
        t(locale, 'dealType.coSell'),
      ]) {
        expect(text, locale).to.include(words);
      }
    }
  });

  it('the deal type follows the consent flags', () => {
    const cases: Array<[shared: boolean | undefined, type: string, fromMicrosoft: boolean, expected: string | undefined]> = [
      [undefined, 'Independent', true, undefined],
      [false, 'Shared', true, 'private'],
      [true, 'Independent', false, 'partnerLed'],
      [true, 'Shared', false, 'coSell'],
      [true, 'Independent', true, 'coSell'],
    ];
    for (const [shared, type, fromMicrosoft, expected] of cases) {
      const consent = shared === undefined ? {} : { consentToShareReferralWithMicrosoftSellers: shared };
      expect(dealTypeOf({ consent, type }, fromMicrosoft), `${shared} ${type} ${fromMicrosoft}`).to.equal(expected);
    }
  });

  it('a referral with none of it looks as before: no co-sell section', () => {
    const text = shown(renderReferralCard(run('inbox', [], cardRfi()), { locale: 'en', now: at(1), policy: DEFAULT_POLICY }));
    expect(text).not.to.include('🤝');
  });

  for (const locale of ['en', 'ru'] as const) {
    it(`(${locale}) every field at its maximum: valid at 1.5 and under 28 KB`, () => {
      const long = (n: number, c = 'ж') => c.repeat(n);
      const person = (i: number) => ({
        firstName: long(100),
        lastName: `${i}${long(98)}`,
        email: `${'a'.repeat(60)}${i}@${'b'.repeat(60)}.example`,
        phoneNumber: long(50, '9'),
      });
      const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `${long(190, 'X')}${i}`, name: `${long(190)}${i}` }));
      const doc = {
        ...fixture('referral-by-id.json'),
        name: long(500),
        customerProfile: {
          name: long(500),
          size: long(100),
          address: { addressLine1: long(500), city: long(200), state: long(200), region: long(100), country: 'DE' },
          team: Array.from({ length: 50 }, (_, i) => person(i)),
        },
        details: {
          notes: long(10_000),
          dealValue: 1e15,
          currency: 'EUR',
          requirements: { products: tags(100), services: tags(100), solutions: tags(100), industries: tags(100) },
        },
        team: Array.from({ length: 50 }, (_, i) => person(i)),
        inviteContext: { notes: long(INVITE_NOTES_MAX), invitedBy: { organizationId: 'msft', organizationName: long(200) } },
        solutionArea: long(200),
        solutionPlay: long(200),
        partnerRole: long(200),
        referralSource: long(200),
        customerMarketplaceIntent: long(200),
        consent: { consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
      };
      const card = renderReferralCard(run('inbox', [], takenIn(doc)), { locale, now: at(1), policy: DEFAULT_POLICY });
      expect(cardProblems(card)).to.deep.equal([]);
      const bytes = Buffer.byteLength(JSON.stringify(card));
      expect(bytes).to.be.below(28 * 1024);
      expect(shown(card)).to.include(t(locale, 'card.andMore', { count: 50 - CARD_LIMITS.people }));
    });
  }
});
