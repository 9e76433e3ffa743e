import { expect } from 'chai';
import { cancelAction, cardRef, doAction, openAction, parseCardAction, refreshAction, showAction, submitAction } from '../../cards/actions.js';
import { FORM_NAMES } from '../../referrals/form-fields.js';

const REF = { referralId: 'rfi-42', version: 3 };

describe('cards: action data contract', () => {
  it('builders put only ids (+ form or command) in data', () => {
    expect(cardRef({ id: 'rfi-42', version: 3, name: 'x', history: [] } as never)).to.deep.equal(REF);
    expect(openAction(REF, 'accept', 'Accept', 'positive')).to.deep.equal({
      type: 'Action.Execute',
      verb: 'open',
      title: 'Accept',
      data: { referralId: 'rfi-42', version: 3, form: 'accept' },
      style: 'positive',
    });
    expect(submitAction(REF, 'decline', 'Decline referral').data).to.deep.equal({ referralId: 'rfi-42', version: 3, form: 'decline' });
    expect(doAction(REF, 'noThanks', 'No thanks').data).to.deep.equal({ referralId: 'rfi-42', version: 3, command: 'noThanks' });
    expect(cancelAction(REF, 'Cancel')).to.deep.equal({ type: 'Action.Execute', verb: 'cancel', title: 'Cancel', data: REF, associatedInputs: 'none' });
    expect(refreshAction(REF)).to.deep.equal({ type: 'Action.Execute', verb: 'refresh', data: REF });
    expect(showAction('rfi-42', 'Show referral').data).to.deep.equal({ referralId: 'rfi-42' });
  });

  describe('parseCardAction', () => {
    it('accepts each verb with its data', () => {
      for (const form of FORM_NAMES) {
        expect(parseCardAction('open', { ...REF, form })).to.deep.equal({ ok: true, action: { verb: 'open', data: { ...REF, form } } });
      }
      expect(parseCardAction('do', { ...REF, command: 'interested' })).to.deep.equal({
        ok: true,
        action: { verb: 'do', data: { ...REF, command: 'interested' } },
      });
      expect(parseCardAction('cancel', REF)).to.deep.equal({ ok: true, action: { verb: 'cancel', data: REF } });
      expect(parseCardAction('refresh', REF)).to.deep.equal({ ok: true, action: { verb: 'refresh', data: REF } });
      expect(parseCardAction('show', { referralId: 'rfi-42' })).to.deep.equal({ ok: true, action: { verb: 'show', data: { referralId: 'rfi-42' } } });
    });

    it('splits a submit into its ids and its inputs', () => {
      const parsed = parseCardAction('submit', { ...REF, form: 'accept', dealValue: '50000', currency: 'EUR', command: 'x' });
      expect(parsed).to.deep.equal({
        ok: true,
        action: { verb: 'submit', data: { ...REF, form: 'accept' }, inputs: { dealValue: '50000', currency: 'EUR' } },
      });
    });

    it('drops extra keys from ids-only verbs (nothing but ids reaches the bot)', () => {
      const parsed = parseCardAction('open', { ...REF, form: 'won', owner: 'me', status: 'Closed' });
      expect(parsed).to.deep.equal({ ok: true, action: { verb: 'open', data: { ...REF, form: 'won' } } });
    });

    it('rejects unknown verbs and forged or malformed data', () => {
      expect(parseCardAction('explode', REF)).to.deep.equal({ ok: false, reason: 'unknownVerb', verb: 'explode', referralId: 'rfi-42' });
      expect(parseCardAction(undefined, undefined)).to.deep.equal({ ok: false, reason: 'unknownVerb' });
      expect(parseCardAction('open', { ...REF, form: 'delete' })).to.include({ ok: false, reason: 'badData', referralId: 'rfi-42' });
      expect(parseCardAction('submit', { ...REF })).to.include({ ok: false, reason: 'badData' });
      expect(parseCardAction('do', { ...REF, command: 'won' })).to.include({ ok: false, reason: 'badData' });
      expect(parseCardAction('open', { referralId: 'rfi-42', version: '3', form: 'accept' })).to.include({ ok: false, reason: 'badData' });
      expect(parseCardAction('open', { referralId: 'rfi-42', version: -1, form: 'accept' })).to.include({ ok: false, reason: 'badData' });
      expect(parseCardAction('open', { referralId: 'rfi-42', version: 1.5, form: 'accept' })).to.include({ ok: false, reason: 'badData' });
      expect(parseCardAction('cancel', { referralId: 42, version: 1 })).to.deep.equal({ ok: false, reason: 'badData', verb: 'cancel' });
      expect(parseCardAction('cancel', { referralId: 'a\u0000b', version: 1 })).to.deep.equal({ ok: false, reason: 'badData', verb: 'cancel' });
      expect(parseCardAction('cancel', { referralId: ' padded', version: 1 })).to.deep.equal({ ok: false, reason: 'badData', verb: 'cancel' });
      // Any id intake accepts is one a card can carry.
      expect(parseCardAction('cancel', { referralId: 'PC/2024/7 a+b Ünï', version: 1 })).to.include({ ok: true });
      expect(parseCardAction('show', null)).to.deep.equal({ ok: false, reason: 'badData', verb: 'show' });
      expect(parseCardAction('refresh', ['rfi-42', 1])).to.deep.equal({ ok: false, reason: 'badData', verb: 'refresh' });
    });
  });
});
