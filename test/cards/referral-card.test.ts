import { expect } from 'chai';
import { RESERVED_DATA_KEYS } from '../../cards/actions.js';
import { LOCALES, t } from '../../cards/i18n.js';
import { renderReferralCard } from '../../cards/render.js';
import { MAX_REFRESH_USER_IDS } from '../../cards/view-models/referral.js';
import { showsCustomerContacts } from '../../referrals/visibility.js';
import type { Referral } from '../../referrals/model.js';
import {
  ALICE,
  CUSTOMER_EMAIL,
  CUSTOMER_PHONE,
  actionsOf,
  at,
  buttonsOf,
  cardProblems,
  policyFor,
  scenarios,
  cardRfi,
  run,
  shown,
  stateOf,
  type Scenario,
} from '../support/cards.js';

const SCENARIOS = scenarios();
const find = (name: string): Scenario => {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`no scenario ${name}`);
  return scenario;
};
const render = (scenario: Scenario, locale: 'en' | 'ru' = 'en', extra: object = {}) =>
  renderReferralCard(scenario.referral, { locale, now: scenario.now, policy: policyFor(scenario.flow), ...extra });

/** Expected English buttons by flow and state: [title, verb, form or command]. */
const EXPECTED_BUTTONS: Record<string, [string, string, string | undefined][]> = {
  'inbox:New/Pending': [
    ['Accept', 'open', 'accept'],
    ['Decline', 'open', 'decline'],
  ],
  'classic:New/Pending': [
    ["I'm interested", 'do', 'interested'],
    ['No thanks', 'do', 'noThanks'],
  ],
  'classic:New/Received': [
    ['Accept', 'open', 'accept'],
    ['Decline', 'open', 'decline'],
  ],
  'inbox:Active/Accepted': [
    ['Won', 'open', 'won'],
    ['Lost', 'open', 'lost'],
    ['Edit engagement', 'open', 'editEngagement'],
    ['Add contact', 'open', 'addContact'],
    ['Hand over', 'reassign', undefined],
  ],
  'classic:Active/Accepted': [
    ['Won', 'open', 'won'],
    ['Lost', 'open', 'lost'],
    ['Edit engagement', 'open', 'editEngagement'],
    ['Add contact', 'open', 'addContact'],
    ['Hand over', 'reassign', undefined],
  ],
};

const RUSSIAN_BUTTONS: Record<string, string[]> = {
  'inbox:New/Pending': ['Принять', 'Отклонить'],
  'classic:New/Pending': ['Мне интересно', 'Нет, спасибо'],
  'classic:New/Received': ['Принять', 'Отклонить'],
  'inbox:Active/Accepted': ['Реализовано', 'Потеряно', 'Изменить взаимодействие', 'Добавить контакт', 'Передать сделку'],
  'classic:Active/Accepted': ['Реализовано', 'Потеряно', 'Изменить взаимодействие', 'Добавить контакт', 'Передать сделку'],
};

describe('cards: referral card', () => {
  it('covers every state of both flows', () => {
    const states = new Set(SCENARIOS.map((s) => `${s.flow}:${stateOf(s.referral)}`));
    for (const state of [
      'inbox:New/Pending',
      'inbox:Active/Accepted',
      'inbox:Closed/Declined',
      'inbox:Closed/Expired',
      'inbox:Closed/Won',
      'inbox:Closed/Lost',
      'classic:New/Pending',
      'classic:New/Received',
      'classic:Active/Accepted',
      'classic:Closed/Skipped',
      'classic:Closed/Declined',
      'classic:Closed/Expired',
      'classic:Closed/Won',
      'classic:Closed/Lost',
    ]) {
      expect(states, state).to.include(state);
    }
  });

  for (const scenario of SCENARIOS) {
    for (const locale of LOCALES) {
      it(`${scenario.name} (${locale}): parses at 1.5 with no warnings`, () => {
        const card = render(scenario, locale, { refreshUserIds: [ALICE.id] });
        expect(cardProblems(card), JSON.stringify(card, null, 1)).to.deep.equal([]);
        expect(card.version).to.equal('1.5');
      });
    }

    it(`${scenario.name}: buttons by state, titles and verbs exact`, () => {
      const card = render(scenario);
      const key = `${scenario.flow}:${stateOf(scenario.referral)}`;
      const expected = EXPECTED_BUTTONS[key] ?? [];
      const buttons = buttonsOf(card);
      expect(buttons.map((b) => [b.title, b.verb, b.data?.['form'] ?? b.data?.['command']])).to.deep.equal(expected);
      for (const button of buttons) {
        expect(button.type).to.equal('Action.Execute');
        expect(button.where, 'buttons live in an ActionSet').to.equal('body');
      }
      const ru = buttonsOf(render(scenario, 'ru')).map((b) => b.title);
      expect(ru).to.deep.equal(RUSSIAN_BUTTONS[key] ?? []);
    });

    it(`${scenario.name}: action data carries only ids and the version`, () => {
      const card = render(scenario, 'en', { refreshUserIds: ['u1'] });
      for (const action of actionsOf(card)) {
        const data = action.data ?? {};
        const allowed: string[] = [
          'referralId',
          'version',
          ...(action.verb === 'open' || action.verb === 'submit' ? ['form'] : []),
          ...(action.verb === 'do' ? ['command'] : []),
        ];
        expect(Object.keys(data).sort(), `${action.verb} data`).to.deep.equal(allowed.sort());
        expect(data['referralId']).to.equal(scenario.referral.id);
        expect(data['version']).to.equal(scenario.referral.version);
        for (const key of Object.keys(data)) expect(RESERVED_DATA_KEYS as readonly string[]).to.include(key);
      }
    });

    it(`${scenario.name}: customer contact details ${showsCustomerContacts(scenario.referral) ? 'shown' : 'hidden'}`, () => {
      for (const locale of LOCALES) {
        // No-break spaces keep a phone number on one line; read as spaces here.
        const text = JSON.stringify(render(scenario, locale)).replace(/\u00a0/g, ' ');
        const visible = showsCustomerContacts(scenario.referral);
        expect(text.includes(CUSTOMER_EMAIL), 'e-mail').to.equal(visible);
        expect(text.includes(CUSTOMER_PHONE), 'phone').to.equal(visible);
      }
    });
  }

  it('contact details follow the seeds: actionable shows, Expired/Declined/Skipped hide, Won/Lost keep', () => {
    const rule = (name: string) => showsCustomerContacts(find(name).referral);
    expect(rule('inbox New/Pending')).to.equal(true);
    expect(rule('classic New/Pending'), "classic: only after I'm interested").to.equal(false);
    expect(rule('classic New/Received')).to.equal(true);
    expect(rule('inbox Active/Accepted')).to.equal(true);
    expect(rule('classic Active/Accepted')).to.equal(true);
    for (const name of [
      'inbox Closed/Declined',
      'inbox Closed/Expired',
      'classic Closed/Skipped (No thanks)',
      'classic Closed/Skipped (no answer)',
      'classic Closed/Declined',
      'classic Closed/Expired',
    ]) {
      expect(rule(name), name).to.equal(false);
    }
    for (const name of ['inbox Closed/Won (eligible, registered)', 'inbox Closed/Lost', 'classic Closed/Won', 'classic Closed/Lost']) {
      expect(rule(name), name).to.equal(true);
    }
    expect(shown(render(find('classic New/Pending')))).to.include(t('en', 'card.contactsAfterInterest'));
    expect(shown(render(find('inbox Closed/Expired')))).to.include(t('en', 'card.contactsHidden'));
  });

  it('shows the urgent marker, and its changed form after 72 h', () => {
    const plain = shown(render(find('inbox New/Pending')));
    expect(plain).not.to.include('🔥');
    const urgent = render(find('inbox New/Pending urgent'));
    expect(shown(urgent)).to.include(t('en', 'card.urgent'));
    expect(JSON.stringify(urgent)).to.include('"style":"attention"');
    const waiting = render(find('inbox New/Pending urgent, still waiting'));
    expect(find('inbox New/Pending urgent, still waiting').referral.urgencyChangedAt).to.be.a('string');
    expect(shown(waiting)).to.include(t('en', 'card.urgentChanged', { duration: '72 h' }));
    expect(shown(waiting)).not.to.include(t('en', 'card.urgent'));
    expect(shown(render(find('inbox New/Pending urgent, still waiting'), 'ru'))).to.include('все еще ждет');
    expect(shown(render(find('classic New/Pending urgent')))).to.include('🔥');
    expect(shown(render(find('inbox Active/Accepted urgent'))), 'accepted: the marker asked for a first response and is gone').not.to.include('🔥');
  });

  it('shows the customer, size, localized country, needs and times in the display zone', () => {
    const scenario = find('inbox New/Pending');
    const en = shown(render(scenario));
    expect(en).to.include('Contoso Ltd').and.include('51–250 employees').and.include('Berlin, Germany');
    expect(en).to.include('Microsoft 365, Teams Phone').and.include('Modern Work').and.include('Manufacturing');
    expect(en).to.include('We need help rolling out Teams for 400 seats.');
    expect(en).to.include('**Received:** 2 Mar 2026, 09:00 UTC');
    expect(en).to.include('**Respond by:** 3 Mar 2026, 09:00 UTC');
    expect(en).to.include('**Expires:** 16 Mar 2026, 09:00 UTC');
    const ru = shown(render(scenario, 'ru'));
    expect(ru).to.include('Berlin, Германия').and.include('51–250 сотрудников').and.include('**Получена:** 2 мар. 2026 г., 09:00 UTC');
    const overdue = shown(render(find('inbox New/Pending reminded (overdue)')));
    expect(overdue).to.include(t('en', 'card.overdue'));
  });

  it('shows the status line, the owner and deal details when Active', () => {
    const card = shown(render(find('inbox Active/Accepted edited, contact added')));
    expect(card).to.include('Active · Accepted');
    expect(card).to.include(ALICE.name);
    expect(card).to.include('EUR\u00a075,000');
    expect(card).to.include('30 Jun 2026');
    expect(card).to.include('CRM-42');
    expect(card).to.include('Carol Partner · [carol@partner.example](mailto:carol@partner.example)');
    expect(card).to.include('Dan Partner · [+49\u00a030\u00a0999999](tel:+4930999999)');
    const ru = shown(render(find('inbox Active/Accepted edited, contact added'), 'ru'));
    expect(ru).to.include('Активная · Принята').and.include('Ответственный');
    const passed = shown(render(find('inbox Active/Accepted close date passed')));
    expect(passed).to.include('passed: mark won or lost, or move the date');
  });

  it('shows a final summary when Closed: outcome, reason, who and when', () => {
    const declined = shown(render(find('inbox Closed/Declined')));
    expect(declined).to.include('Closed · Declined').and.include('Not a customer').and.include('A student project').and.include('Bob Seller');
    expect(declined).to.match(/\*\*Closed:\*\* \d{1,2} \w{3,4} \d{4}, \d\d:\d\d UTC/);
    const declinedRu = shown(render(find('inbox Closed/Declined'), 'ru'));
    expect(declinedRu).to.include('Не является клиентом').and.include('В архиве · Отклонена');
    const expired = shown(render(find('inbox Closed/Expired')));
    expect(expired).to.include(t('en', 'card.closedAutomatically')).and.include(t('en', 'card.summary.Expired'));
    const won = shown(render(find('inbox Closed/Won (eligible, registered)')));
    expect(won).to.include('🏆').and.include('6f1a2b3c-1234-4abc-8def-0123456789ab').and.include('5 Mar 2026');
    const lost = shown(render(find('inbox Closed/Lost')));
    expect(lost).to.include('Customer chose another vendor').and.include('Went with the incumbent');
    const skipped = shown(render(find('classic Closed/Skipped (No thanks)')));
    expect(skipped).to.include('Bob Seller').and.include(t('en', 'card.summary.Skipped'));
  });

  it('carries a refresh action (verb refresh) with userIds when given, at most 60, none when closed', () => {
    const open = find('inbox New/Pending');
    const withUsers = render(open, 'en', { refreshUserIds: ['u1', 'u2', 'u1'] });
    const refresh = withUsers['refresh'] as { action: { type: string; verb: string; data: object }; userIds?: string[] };
    expect(refresh.action).to.deep.equal({ type: 'Action.Execute', verb: 'refresh', data: { referralId: open.referral.id, version: open.referral.version } });
    expect(refresh.userIds).to.deep.equal(['u1', 'u2']);
    const many = render(open, 'en', { refreshUserIds: Array.from({ length: 80 }, (_, i) => `u${i}`) });
    expect((many['refresh'] as { userIds: string[] }).userIds).to.have.length(MAX_REFRESH_USER_IDS);
    const withoutUsers = render(open);
    expect(withoutUsers['refresh']).to.have.property('action');
    expect(withoutUsers['refresh']).not.to.have.property('userIds');
    expect(render(open, 'en', { refresh: false })).not.to.have.property('refresh');
    expect(render(find('inbox Closed/Won (not eligible)'))).not.to.have.property('refresh');
    expect(cardProblems(many)).to.deep.equal([]);
  });

  it('shows a notice line for the actor when asked (e.g. a stale click)', () => {
    const note = t('en', 'command.staleCard', { what: 'accepted by Alice Seller' });
    const card = render(find('inbox Active/Accepted'), 'en', { notice: note, noticeColor: 'warning' });
    expect(card.body[0]).to.deep.include({ type: 'TextBlock', text: note, color: 'warning' });
    expect(cardProblems(card)).to.deep.equal([]);
  });

  it('keeps user text verbatim: ${…} and {{…}} in RFI data are not evaluated', () => {
    const scenario = find('inbox New/Pending');
    const referral: Referral = { ...scenario.referral, customerProfile: { ...scenario.referral.customerProfile, name: 'Acme ${title} Ltd' } };
    const card = renderReferralCard(referral, { locale: 'en', now: at(1), policy: policyFor('inbox') });
    expect(shown(card)).to.include('Acme ${title} Ltd');
  });
});

describe('cards: contacts one tap away', () => {
  for (const locale of LOCALES) {
    it(`(${locale}) e-mail is a mailto: link that does not wrap at its hyphens, the phone a tel: link`, () => {
      const referral = run('inbox', [], {
        ...cardRfi(),
        customerProfile: {
          name: 'Brenner Maschinenbau GmbH',
          team: [{ firstName: 'Klaus', lastName: 'Brenner', email: 'k.brenner@brenner-maschinenbau.example', phoneNumber: '+49 30 1234-567' }],
        },
      });
      const card = renderReferralCard(referral, { locale, now: at(1), policy: policyFor('inbox') });
      expect(cardProblems(card)).to.deep.equal([]);
      const text = JSON.stringify(card);
      expect(text).to.include('[k.brenner@brenner\u2011maschinenbau.example](mailto:k.brenner@brenner-maschinenbau.example)');
      expect(text).to.include('[+49\u00a030\u00a01234\u2011567](tel:+49301234567)');
    });
  }
});
