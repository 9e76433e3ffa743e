import { expect } from 'chai';
import { LOCALES, t } from '../../cards/i18n.js';
import { renderHelp, renderNotice, renderRoutes, renderWelcome } from '../../cards/render.js';
import { describeFilters, HELP_COMMANDS, helpCardData } from '../../cards/view-models/messages.js';
import { buttonsOf, cardProblems, elementsOf, shown } from '../support/cards.js';

describe('cards: message cards', () => {
  for (const locale of LOCALES) {
    it(`welcome (${locale}): what the bot does and how to route, parses at 1.5`, () => {
      const card = renderWelcome(locale, 24 * 3_600_000);
      expect(cardProblems(card)).to.deep.equal([]);
      const text = shown(card);
      expect(text).to.include(locale === 'en' ? 'within 24 h' : 'в течение 24 ч');
      expect(text).to.include(t(locale, 'welcome.title')).and.include('@Referral Desk subscribe').and.include('country=DE,AT,CH');
      expect(text).to.include('routes').and.include('help');
      expect(buttonsOf(card)).to.deep.equal([]);
    });

    it(`help (${locale}): every command, parses at 1.5`, () => {
      const card = renderHelp(locale);
      expect(cardProblems(card)).to.deep.equal([]);
      const text = shown(card);
      for (const command of ['help', 'subscribe', 'unsubscribe', 'routes', 'settings', 'show']) expect(text).to.include(command);
      expect(elementsOf(card).filter((element) => element['fontType'] === 'Monospace')).to.have.length(HELP_COMMANDS.length);
      const withIntro = renderHelp(locale, { intro: t(locale, 'command.unknownCommand') });
      expect(shown(withIntro)).to.include(t(locale, 'command.unknownCommand'));
      expect(cardProblems(withIntro)).to.deep.equal([]);
    });

    it(`routes (${locale}): a table of routes → channel, parses at 1.5`, () => {
      const card = renderRoutes(
        locale,
        [
          { channel: 'Sales › General', isDefault: true },
          { channel: 'Sales › DACH', filters: { country: ['DE', 'AT', 'CH'] } },
          { channel: 'Sales › Enterprise', filters: { size: ['Size1001to5000employees'], keyword: ['Azure', 'Dynamics'] } },
        ],
        { unrouted: 2 },
      );
      expect(cardProblems(card)).to.deep.equal([]);
      const table = elementsOf(card).find((element) => element['type'] === 'Table')!;
      expect(table['rows']).to.have.length(4);
      const text = shown(card);
      expect(text).to.include(t(locale, 'routes.default', { channel: 'Sales › General' }));
      expect(text).to.include(t(locale, 'routes.all'));
      expect(text).to.include(locale === 'en' ? 'Germany, Austria or Switzerland' : 'Германия, Австрия или Швейцария');
      expect(text).to.include(t(locale, 'routes.unrouted', { count: 2 }));
    });

    it(`routes (${locale}): no routes yet`, () => {
      const card = renderRoutes(locale, []);
      expect(cardProblems(card)).to.deep.equal([]);
      expect(elementsOf(card).some((element) => element['type'] === 'Table')).to.equal(false);
      expect(shown(card)).to.include(t(locale, 'routes.empty'));
    });

    it(`notice (${locale}): title, text and an optional Show referral button`, () => {
      const plain = renderNotice(locale, { text: t(locale, 'reply.reminder', { duration: '24 h' }) });
      expect(cardProblems(plain)).to.deep.equal([]);
      expect(buttonsOf(plain)).to.deep.equal([]);
      const withButton = renderNotice(locale, {
        title: t(locale, 'app.name'),
        text: t(locale, 'reply.expiresSoon', { date: '16 Mar 2026, 09:00 UTC' }),
        referralId: 'rfi-42',
        tone: 'warning',
      });
      expect(cardProblems(withButton)).to.deep.equal([]);
      const buttons = buttonsOf(withButton);
      expect(buttons).to.have.length(1);
      expect(buttons[0]).to.include({ type: 'Action.Execute', verb: 'show', title: t(locale, 'action.showReferral') });
      expect(buttons[0]!.data).to.deep.equal({ referralId: 'rfi-42' });
    });
  }

  it('notice tones map to container styles', () => {
    for (const tone of ['default', 'good', 'warning', 'attention', 'accent'] as const) {
      const card = renderNotice('en', { title: 'T', text: 'x', tone });
      expect(cardProblems(card), tone).to.deep.equal([]);
      expect((card.body[0] as Record<string, unknown>)['style']).to.equal(tone);
    }
  });

  it('describes route filters in words (used for "subscribed" replies too)', () => {
    expect(describeFilters('en', undefined)).to.equal('');
    expect(describeFilters('en', { country: ['DE'] })).to.equal('the country is Germany');
    expect(describeFilters('en', { country: ['de', 'at'], keyword: ['Azure'] })).to.equal('the country is Germany or Austria and the request mentions “Azure”');
    expect(describeFilters('ru', { region: ['Europe'], size: ['Size1to9employees'] })).to.equal('регион — Europe и размер компании — 1–9 сотрудников');
    expect(t('en', 'command.subscribed', { filters: describeFilters('en', { country: ['DE'] }) })).to.equal(
      '✅ This channel now receives referrals where the country is Germany.',
    );
  });
});

describe('cards: help says where to write, from where it was asked', () => {
  for (const locale of LOCALES) {
    it(`(${locale}) in a personal chat it does not send the reader to a personal chat`, () => {
      const personal = helpCardData(locale, { intro: t(locale, 'command.unknownCommand'), personal: true }).intro;
      expect(personal).to.equal(`${t(locale, 'command.unknownCommand')} ${t(locale, 'help.intro.personal')}`);
      expect(personal).to.not.include(t(locale, 'help.intro'));
      expect(helpCardData(locale).intro).to.equal(t(locale, 'help.intro'));
    });
  }
});
