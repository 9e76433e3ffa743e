// RFI validation against Partner Center's own documented referral (test/fixtures/partner-center/
// referral.json is the response example of "Create a referral" in the Partner Center REST docs), and
// the bounds on what the schema does not know.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { INVITE_NOTES_MAX, RFI_MAX_DEPTH, UNKNOWN_FIELDS_MAX, validateRfi } from '../../referrals/rfi-schema.js';

type Json = Record<string, any>;
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/partner-center/${name}`, import.meta.url), 'utf8')) as Json;
const documented = (): Json => JSON.parse(readFileSync(new URL('../fixtures/partner-center/referral.json', import.meta.url), 'utf8')) as Json;

describe('RFI schema', () => {
  it("takes in Partner Center's documented referral: requirement items with their ids as sent, contact preferences as objects", () => {
    const result = validateRfi(documented());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.rfi.details?.requirements).to.deep.equal(documented()['details'].requirements);
    expect(result.rfi.customerProfile.team?.[0]?.contactPreference).to.deep.equal({ locale: 'en-us', disableNotifications: false });
    expect(result.rfi['inviteContext']).to.deep.equal(documented()['inviteContext']);
  });

  const examples: Array<[string, () => Json]> = [
    ['create a referral (response)', () => documented()],
    ['create a referral (co-sell request body, given an id)', () => ({ ...fixture('create-referral-co-sell.json'), id: 'co-sell-1' })],
    ['get a referral by id', () => fixture('referral-by-id.json')],
    ['get a list of referrals, item 1', () => fixture('referral-list.json')['value'][0]],
    ['get a list of referrals, item 2', () => fixture('referral-list.json')['value'][1]],
  ];
  for (const [name, example] of examples) {
    it(`"${name}": taken in with its requirement ids, team and invite context as the docs give them`, () => {
      const doc = example();
      const result = validateRfi(doc);
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      expect(result.rfi.details?.requirements).to.deep.equal(doc['details'].requirements);
      expect(result.rfi['team']).to.deep.equal(doc['team']);
      expect(result.rfi['inviteContext']).to.deep.equal(doc['inviteContext']);
    });
  }

  it('a null where Partner Center has no value reads as absent; a wrong type is still refused', () => {
    const created = fixture('referral-list.json')['value'][0];
    const result = validateRfi({ ...created, externalReferenceId: null, expirationDateTime: null, details: { ...created['details'], dealValue: null } });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.rfi.externalReferenceId).to.equal(undefined);
    expect(result.rfi.expirationDateTime).to.equal(undefined);
    const wrong = validateRfi({
      ...created,
      partnerRole: 7,
      inviteContext: { notes: 'x'.repeat(INVITE_NOTES_MAX + 1) },
      consent: { consentToShareReferralWithMicrosoftSellers: 'yes' },
    });
    expect(wrong.ok).to.equal(false);
    if (!wrong.ok) {
      expect(wrong.problems.map((problem) => problem.path).sort()).to.deep.equal([
        'consent.consentToShareReferralWithMicrosoftSellers',
        'inviteContext.notes',
        'partnerRole',
      ]);
    }
  });

  it('takes in the "Get a referral by ID" example: @odata.context, 7-digit fractions, null statusReason, ids as a list', () => {
    const result = validateRfi(fixture('referral-by-id.json'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.rfi.createdDateTime).to.equal('2018-10-29T21:24:52.040Z');
    expect(result.rfi.customerProfile.address).to.include({ region: 'Washington', country: 'US' });
    expect(result.rfi['@odata.context']).to.be.a('string');
  });

  it('keeps unknown fields at any depth up to the bound, and refuses a referral whose unknown fields exceed it', () => {
    const within = documented();
    within['customerProfile'].address.future = 'x'.repeat(UNKNOWN_FIELDS_MAX - 2_000);
    expect(validateRfi(within).ok).to.equal(true);
    const beyond = documented();
    beyond['customerProfile'].address.future = 'x'.repeat(UNKNOWN_FIELDS_MAX);
    const result = validateRfi(beyond);
    expect(result.ok).to.equal(false);
    if (!result.ok) expect(result.problems[0]!.message).to.match(/^fields this version does not know take \d+ characters; at most 32768 are kept$/);
  });

  it('counts the unknown fields of the documented referral exactly: the keys the schema does not name', () => {
    const body = documented();
    const size = (key: string, value: unknown) => JSON.stringify({ [key]: value }).length;
    const unknown =
      ['status', 'substatus', 'statusReason', 'eTag', 'links'].reduce((sum, key) => sum + size(key, body[key]), 0) +
      size('ids', []) +
      size('addressLine2', '34');
    const padded = documented();
    padded['future'] = 'x'.repeat(UNKNOWN_FIELDS_MAX - unknown - size('future', ''));
    expect(validateRfi(padded).ok, 'exactly at the bound').to.equal(true);
    padded['future'] += 'x';
    expect(validateRfi(padded).ok, 'one past the bound').to.equal(false);
  });

  it(`refuses a referral nested deeper than ${RFI_MAX_DEPTH} levels, whatever path the depth is on`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : [nest(levels - 1)]);
    const ok = documented();
    ok['extra'] = nest(RFI_MAX_DEPTH - 1);
    expect(validateRfi(ok).ok).to.equal(true);
    const deep = documented();
    deep['extra'] = nest(RFI_MAX_DEPTH);
    expect(validateRfi(deep)).to.deep.equal({
      ok: false,
      problems: [{ path: '', message: `the referral nests objects and arrays deeper than ${RFI_MAX_DEPTH} levels` }],
    });
  });
});
