import { expect } from 'chai';
import { RESERVED_DATA_KEYS } from '../../cards/actions.js';
import { LOCALES, t, type Locale } from '../../cards/i18n.js';
import { renderForm } from '../../cards/render.js';
import { FIELD_LIMITS, FORM_FIELDS, FORM_LEVEL, type FormName } from '../../referrals/form-fields.js';
import { parseForm } from '../../referrals/forms.js';
import { availableDoCommands, availableForms } from '../../cards/actions.js';
import { CLOSE_REASONS, type Referral } from '../../referrals/model.js';
import { buttonsOf, cardProblems, elementsOf, inputsOf, cardRfi, run, scenarios, shown, ACCEPT, ACCEPT_SMALL, at, type Scenario } from '../support/cards.js';

const SCENARIOS = scenarios();
const find = (name: string): Scenario => {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
};
const form = (name: FormName, scenario: Scenario, locale: Locale = 'en', state = {}) =>
  renderForm(name, scenario.referral, { locale, now: scenario.now }, state);

/** The forms a referral's card opens in its state. */
const formsOf = (referral: Referral): FormName[] => availableForms(referral);

function expectedInputs(name: FormName, referral: Referral): readonly string[] {
  switch (name) {
    case 'accept':
      return referral.flow === 'classic' ? FORM_FIELDS.acceptClassic : FORM_FIELDS.acceptInbox;
    default:
      return FORM_FIELDS[name];
  }
}

const SUBMIT_TITLES: Record<FormName, string> = {
  accept: 'Accept referral',
  decline: 'Decline referral',
  lost: 'Mark as lost',
  won: 'Mark as won',
  editEngagement: 'Save changes',
  addContact: 'Add contact',
};

describe('cards: forms', () => {
  const openScenarios = SCENARIOS.filter((s) => s.referral.status !== 'Closed');

  it('availableForms / availableDoCommands follow the state', () => {
    expect(availableForms(find('inbox New/Pending').referral)).to.deep.equal(['accept', 'decline']);
    expect(availableDoCommands(find('inbox New/Pending').referral)).to.deep.equal([]);
    expect(availableForms(find('classic New/Pending').referral)).to.deep.equal([]);
    expect(availableDoCommands(find('classic New/Pending').referral)).to.deep.equal(['interested', 'noThanks']);
    expect(availableForms(find('inbox Active/Accepted').referral)).to.deep.equal(['won', 'lost', 'editEngagement', 'addContact']);
    expect(availableForms(find('inbox Closed/Lost').referral)).to.deep.equal([]);
  });

  it('every form is reachable from some state of the two flows', () => {
    const reached = new Set(openScenarios.flatMap((s) => formsOf(s.referral).map((name) => `${name}:${name === 'accept' ? s.flow : ''}`)));
    expect([...reached].sort()).to.deep.equal(['accept:classic', 'accept:inbox', 'addContact:', 'decline:', 'editEngagement:', 'lost:', 'won:']);
  });

  for (const scenario of openScenarios) {
    for (const name of formsOf(scenario.referral)) {
      for (const locale of LOCALES) {
        it(`${scenario.name} → ${name} (${locale}): parses at 1.5, submit first, Cancel with no inputs`, () => {
          const card = form(name, scenario, locale);
          expect(cardProblems(card), JSON.stringify(card, null, 1)).to.deep.equal([]);
          const buttons = buttonsOf(card);
          expect(buttons).to.have.length(2);
          const [submit, cancel] = buttons;
          expect(submit).to.include({ type: 'Action.Execute', verb: 'submit' });
          expect(submit!.data).to.deep.equal({ referralId: scenario.referral.id, version: scenario.referral.version, form: name });
          expect(submit!.associatedInputs ?? 'auto').to.equal('auto');
          expect(cancel).to.include({ type: 'Action.Execute', verb: 'cancel', associatedInputs: 'none', title: t(locale, 'action.cancel') });
          expect(cancel!.data).to.deep.equal({ referralId: scenario.referral.id, version: scenario.referral.version });
          if (locale === 'en') {
            expect(submit!.title).to.equal(SUBMIT_TITLES[name]);
            expect(cancel!.title).to.equal('Cancel');
          } else {
            expect(cancel!.title).to.equal('Отмена');
          }
        });
      }

      it(`${scenario.name} → ${name}: input ids are the form's fields, none reserved`, () => {
        const ids = inputsOf(form(name, scenario)).map((input) => input['id']);
        expect([...ids].sort()).to.deep.equal([...expectedInputs(name, scenario.referral)].sort());
        for (const id of ids) expect(RESERVED_DATA_KEYS as readonly unknown[]).not.to.include(id);
      });
    }
  }

  it("inbox Accept: engagement name prefilled, value without a client-side min, currency defaults to the RFI's, close date not before today", () => {
    const scenario = find('inbox New/Pending');
    const inputs = Object.fromEntries(inputsOf(form('accept', scenario)).map((input) => [input['id'], input]));
    expect(inputs['engagementName']).to.include({
      type: 'Input.Text',
      value: 'Contoso Teams rollout',
      isRequired: true,
      maxLength: FIELD_LIMITS.engagementName,
    });
    expect(inputs['dealValue']).to.include({ type: 'Input.Number', isRequired: true });
    // No min: Teams would clamp a typed -5 to it and send 0.
    expect(inputs['dealValue']).not.to.have.property('min');
    expect(inputs['currency']).to.include({ type: 'Input.ChoiceSet', value: 'EUR', isRequired: true });
    const codes = (inputs['currency']!['choices'] as { value: string }[]).map((choice) => choice.value);
    expect(codes).to.include.members(['EUR', 'USD', 'GBP', 'JPY']);
    expect(inputs['closeDate']).to.include({ type: 'Input.Date', min: scenario.now.toISOString().slice(0, 10), isRequired: true });
    expect(inputs['notes']).to.include({ isMultiline: true, maxLength: FIELD_LIMITS.notes, value: 'We need help rolling out Teams for 400 seats.' });
    expect(inputs['crmId']).to.include({ maxLength: FIELD_LIMITS.crmId });
    expect(inputs['contact1Email']).to.include({ style: 'email' });
    expect(inputs['contact2Phone']).to.include({ style: 'tel' });
    for (const input of inputsOf(form('accept', scenario))) expect(input['label'], String(input['id'])).to.be.a('string').and.not.equal('');
  });

  it('inbox Accept: currency is USD when the RFI names none, and an unusual RFI currency is offered', () => {
    const none = run('inbox', [], cardRfi({ details: { notes: 'x' } }));
    const currency = inputsOf(renderForm('accept', none, { locale: 'en', now: at(1) })).find((input) => input['id'] === 'currency');
    expect(currency).to.include({ value: 'USD' });
    const unusual = run('inbox', [], cardRfi({ details: { currency: 'MNT' } }));
    const choices = inputsOf(renderForm('accept', unusual, { locale: 'ru', now: at(1) })).find((input) => input['id'] === 'currency')!['choices'] as {
      title: string;
      value: string;
    }[];
    expect(choices[0]!.value).to.equal('MNT');
    expect(choices.find((choice) => choice.value === 'EUR')!.title).to.equal('EUR — евро');
  });

  it('classic Accept asks for the deal value (in the RFI currency) and the close date only', () => {
    const card = form('accept', find('classic New/Received'));
    const inputs = inputsOf(card);
    expect(inputs.map((input) => input['id'])).to.deep.equal(['dealValue', 'closeDate']);
    expect(inputs[0]!['label']).to.equal('Estimated deal value, EUR');
  });

  it('Decline and Lost offer the 8 Partner Center reasons, in both languages', () => {
    for (const name of ['decline', 'lost'] as const) {
      const scenario = name === 'decline' ? find('inbox New/Pending') : find('inbox Active/Accepted');
      for (const locale of LOCALES) {
        const reason = inputsOf(form(name, scenario, locale)).find((input) => input['id'] === 'reason')!;
        expect(reason).to.include({ type: 'Input.ChoiceSet', isRequired: true });
        const choices = reason['choices'] as { title: string; value: string }[];
        expect(choices.map((choice) => choice.value)).to.deep.equal([...CLOSE_REASONS]);
        expect(choices.map((choice) => choice.title)).to.deep.equal(CLOSE_REASONS.map((r) => t(locale, `reason.${r}`)));
      }
    }
    const ru = inputsOf(form('decline', find('inbox New/Pending'), 'ru')).find((input) => input['id'] === 'reason')!['choices'] as { title: string }[];
    expect(ru.map((c) => c.title)).to.include('Клиент выбрал другого поставщика');
  });

  it('Won asks the final value (the estimate prefilled) and the day it closed (today), then deal registration only when eligible', () => {
    const eligible = run('inbox', [[2, ACCEPT]]);
    const card = renderForm('won', eligible, { locale: 'en', now: at(3) });
    expect(inputsOf(card).map((input) => input['id'])).to.deep.equal(['dealValue', 'closeDate', 'contractSignedDate', 'customerTenantId', 'notes']);
    expect(inputsOf(card)[0]).to.include({ value: eligible.details.dealValue, isRequired: true });
    expect(inputsOf(card)[1]).to.include({ value: '2026-03-02', max: '2026-03-02', isRequired: true });
    expect(inputsOf(card)[2]).to.include({ max: '2026-03-02', min: '2026-01-01' });
    expect(shown(card)).to.include('deal registration').and.not.include('Congratulations');
    const small = run('inbox', [[2, ACCEPT_SMALL]]);
    const confirm = renderForm('won', small, { locale: 'en', now: at(3) });
    expect(inputsOf(confirm).map((input) => input['id'])).to.deep.equal(['dealValue', 'closeDate']);
    expect(shown(confirm)).to.include('not eligible');
    expect(buttonsOf(confirm)[0]).to.include({ verb: 'submit', title: 'Mark as won' });
    expect(cardProblems(confirm)).to.deep.equal([]);
  });

  it('Edit engagement is prefilled with the current values', () => {
    const scenario = find('inbox Active/Accepted edited, contact added');
    const inputs = Object.fromEntries(inputsOf(form('editEngagement', scenario)).map((input) => [input['id'], input['value']]));
    expect(inputs).to.deep.equal({
      engagementName: 'Contoso Teams rollout',
      closeDate: '2026-06-30',
      dealValue: 75_000,
      currency: 'EUR',
      notes: 'Scope grew to 600 seats',
      crmId: 'CRM-42',
    });
  });

  it('Edit engagement keeps a close date that has passed selectable (min is that date)', () => {
    const scenario = find('inbox Active/Accepted close date passed');
    const closeDate = inputsOf(form('editEngagement', scenario)).find((input) => input['id'] === 'closeDate')!;
    expect(closeDate).to.include({ value: '2026-06-30', min: '2026-06-30' });
  });

  for (const locale of LOCALES) {
    it(`a form re-shown after a bad submission keeps the values and shows each error under its field (${locale})`, () => {
      const scenario = find('inbox New/Pending');
      const values = {
        engagementName: '',
        dealValue: '-5',
        currency: 'EUR',
        closeDate: '2020-01-01',
        notes: 'Keep me',
        crmId: 'CRM-1',
        contact1FirstName: 'Dana',
        contact1Email: 'not-an-email',
      };
      const result = parseForm('accept', values, { now: scenario.now, flow: 'inbox', referral: scenario.referral });
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      const card = form('accept', scenario, locale, { values, errors: result.errors });
      expect(cardProblems(card)).to.deep.equal([]);

      const elements = elementsOf(card);
      const inputs = Object.fromEntries(inputsOf(card).map((input) => [input['id'], input]));
      expect(inputs['engagementName']).not.to.have.property('value');
      expect(inputs['dealValue']!['value']).to.equal(-5);
      expect(inputs['closeDate']!['value']).to.equal('2020-01-01');
      expect(inputs['notes']!['value']).to.equal('Keep me');
      expect(inputs['crmId']!['value']).to.equal('CRM-1');
      expect(inputs['contact1FirstName']!['value']).to.equal('Dana');
      expect(inputs['contact1Email']!['value']).to.equal('not-an-email');

      for (const [field, key] of Object.entries(result.errors)) {
        const index = elements.findIndex((element) => element['id'] === field);
        expect(index, field).to.be.greaterThan(-1);
        const next = elements[index + 1]!;
        expect(next, `error under ${field}`).to.include({ type: 'TextBlock', color: 'attention' });
        expect(String(next['text']), `${field}: ${key}`).to.not.equal('');
      }
      const errorTexts = elements.filter((element) => element['color'] === 'attention').map((element) => element['text']);
      expect(errorTexts).to.include(t(locale, 'form.error.required'));
      expect(errorTexts).to.include(t(locale, 'form.error.dealValue'));
      expect(errorTexts).to.include(t(locale, 'form.error.dateInPast'));
      expect(errorTexts).to.include(t(locale, 'form.error.email'));
      expect(errorTexts).to.include(t(locale, 'form.error.contactName'));
      // The summary line is at the top, right under the heading.
      expect(card.body[1] as Record<string, unknown>).to.include({ type: 'TextBlock', color: 'attention', text: t(locale, 'form.summary') });
    });
  }

  it('fields without errors show no error line; a fresh form has no summary', () => {
    const card = form('decline', find('inbox New/Pending'));
    expect(elementsOf(card).filter((element) => element['color'] === 'attention')).to.deep.equal([]);
  });

  it('length errors name the limit; form-level errors show in the summary', () => {
    const scenario = find('inbox Active/Accepted');
    const card = form('editEngagement', scenario, 'en', {
      values: { crmId: 'x'.repeat(150) },
      errors: { crmId: 'form.error.tooLong', [FORM_LEVEL]: 'form.error.nothingChanged' },
    });
    const texts = elementsOf(card)
      .filter((element) => element['color'] === 'attention')
      .map((element) => element['text']);
    expect(texts).to.include('At most 100 characters.');
    expect(texts[0]).to.equal(`${t('en', 'form.summary')} ${t('en', 'form.error.nothingChanged')}`);
    const onlyForm = form('editEngagement', scenario, 'ru', { errors: { [FORM_LEVEL]: 'form.error.nothingChanged' } });
    expect((onlyForm.body[1] as Record<string, unknown>)['text']).to.equal(t('ru', 'form.error.nothingChanged'));
  });

  it('a value the input cannot hold is left out rather than breaking the card', () => {
    const card = form('accept', find('inbox New/Pending'), 'en', {
      values: { dealValue: 'lots', closeDate: 'tomorrow', currency: 'XXX1' },
      errors: { dealValue: 'form.error.notNumber' },
    });
    const inputs = Object.fromEntries(inputsOf(card).map((input) => [input['id'], input]));
    expect(inputs['dealValue']).not.to.have.property('value');
    expect(inputs['closeDate']).not.to.have.property('value');
    expect(inputs['currency']).not.to.have.property('value');
    expect(cardProblems(card)).to.deep.equal([]);
  });
});

describe('cards: forms share one order', () => {
  it('Edit engagement shows its fields in the order of the Accept form', () => {
    const order = (name: FormName, scenario: string) => inputsOf(form(name, find(scenario))).map((input) => input['id'] as string);
    const edit = order('editEngagement', 'inbox Active/Accepted');
    expect(edit).to.deep.equal(order('accept', 'inbox New/Pending').filter((id) => edit.includes(id)));
    expect(edit).to.deep.equal([...FORM_FIELDS.editEngagement]);
  });
});
