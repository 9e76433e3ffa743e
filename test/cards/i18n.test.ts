import { expect } from 'chai';
import MarkdownIt from 'markdown-it';
import { catalog, countryName, currencyTitle, formatDate, formatDateTime, formatMoney, hasMessage, LOCALES, resolveLocale, t, tKey } from '../../cards/i18n.js';
import { TEMPLATE_NAMES, TEMPLATES } from '../../cards/render.js';
import { FORM_ERRORS } from '../../referrals/form-fields.js';
import { CLOSE_REASONS, STATUSES, SUBSTATUSES } from '../../referrals/model.js';
import { COMMAND_BUTTONS } from '../../cards/actions.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/** Keys whose Russian text is legitimately the same as the English one. */
const SAME_IN_BOTH = new Set([
  'app.name',
  'card.coSell.microsoft',
  'contactPreference.teams',
  'status.line',
  'form.subtitle',
  'reply.notesSuffix',
  'field.customerTenantId.placeholder',
  'help.cmd.help',
  'help.cmd.subscribe',
  'help.cmd.unsubscribe',
  'help.cmd.routes',
  'help.cmd.list',
  'help.cmd.stats',
  'help.cmd.status',
  'help.cmd.my',
  'help.cmd.connect',
  'help.cmd.export',
  'stats.chart.reasonValue',
  // A product's name.
  'partnerCenter.title',
]);

/** Properties whose string values a reader sees. */
const VISIBLE = new Set(['text', 'title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText', 'speak']);

function visibleLiterals(node: unknown, path: string, found: string[]): void {
  if (Array.isArray(node)) return node.forEach((item, i) => visibleLiterals(item, `${path}[${i}]`, found));
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string' && VISIBLE.has(key)) {
      const withoutBindings = value.replace(/\$\{[^}]*\}/g, '');
      if (/\p{L}/u.test(withoutBindings)) found.push(`${path}.${key}: ${JSON.stringify(value)}`);
    } else {
      visibleLiterals(value, `${path}.${key}`, found);
    }
  }
}

describe('cards: i18n', () => {
  const en = catalog('en');
  const ru = catalog('ru');

  it('no message holds text Teams would read as an HTML tag: `show <referral id>` is written with &lt; &gt; and reads as typed', () => {
    for (const locale of LOCALES) {
      const tagLike = Object.entries(catalog(locale)).filter(([, text]) => /<[^\s<>][^<>]*>/.test(text));
      expect(tagLike, locale).to.deep.equal([]);
    }
    const html = new MarkdownIt().renderInline(t('en', 'command.showUsage'));
    expect(html.replace(/&lt;/g, '<').replace(/&gt;/g, '>')).to.equal('Usage: show <referral id>');
  });

  it('en and ru have the same keys', () => {
    expect(Object.keys(ru).sort()).to.deep.equal(Object.keys(en).sort());
  });

  it('no message is empty, and both languages use the same placeholders', () => {
    for (const locale of LOCALES) {
      for (const [key, text] of Object.entries(catalog(locale))) expect(text.trim(), `${locale} ${key}`).not.to.equal('');
    }
    for (const key of Object.keys(en)) expect(placeholders(ru[key]!), key).to.deep.equal(placeholders(en[key]!));
  });

  it('Russian is translated (only names, commands and pure formats stay the same)', () => {
    const same = Object.keys(en).filter((key) => en[key] === ru[key]);
    expect(same.sort()).to.deep.equal([...SAME_IN_BOTH].sort());
    for (const key of Object.keys(ru)) {
      if (SAME_IN_BOTH.has(key) || key.startsWith('help.cmd.')) continue;
      expect(ru[key], key).to.match(/[А-Яа-яЁё]/);
    }
  });

  it('Russian calls a referral «рекомендация», never «реферал» (a person brought in by a referral programme)', () => {
    const offending = Object.keys(ru).filter((key) => /реферал/iu.test(ru[key]!));
    expect(offending).to.deep.equal([]);
  });

  it("Russian manager views name the states with the card's words (substatus.*, card.owner)", () => {
    // The substatus word without its last letter, so gender and number may differ: «Реализована» → «реализован»
    // matches «Реализовано» (stats column) and «Доля реализованных».
    const stem = (substatus: string): string => ru[`substatus.${substatus}`]!.toLowerCase().slice(0, -1);
    const namedIn: Record<string, string[]> = {
      Accepted: ['stats.accepted', 'digest.change.accepted'],
      Declined: ['digest.change.declined'],
      Skipped: ['digest.change.skipped'],
      Won: ['stats.won', 'stats.winRate', 'stats.wonValue', 'digest.change.won'],
      Lost: ['stats.lost', 'digest.change.lost'],
      Expired: ['stats.expired', 'digest.change.expired'],
    };
    for (const [substatus, keys] of Object.entries(namedIn)) {
      for (const key of keys) expect(ru[key]!.toLowerCase(), `${key} vs substatus.${substatus}`).to.include(stem(substatus));
    }
    expect(ru['list.owner']!.startsWith(`${ru['card.owner']!}:`), 'list.owner vs card.owner').to.equal(true);
    // Words the card never uses for these states (and no card shows «На рассмотрении»).
    expect(Object.keys(ru).filter((key) => /выигр|проигр|владел|на рассмотрении/iu.test(ru[key]!))).to.deep.equal([]);
  });

  it('the buttons read as specified in both languages', () => {
    expect(
      ['accept', 'decline', 'interested', 'noThanks', 'won', 'lost', 'editEngagement', 'addContact', 'cancel'].map((a) => t('en', `action.${a}` as never)),
    ).to.deep.equal(['Accept', 'Decline', "I'm interested", 'No thanks', 'Won', 'Lost', 'Edit engagement', 'Add contact', 'Cancel']);
    expect(
      ['accept', 'decline', 'interested', 'noThanks', 'won', 'lost', 'editEngagement', 'addContact', 'cancel'].map((a) => t('ru', `action.${a}` as never)),
    ).to.deep.equal([
      'Принять',
      'Отклонить',
      'Мне интересно',
      'Нет, спасибо',
      'Реализовано',
      'Потеряно',
      'Изменить взаимодействие',
      'Добавить контакт',
      'Отмена',
    ]);
  });

  it('has a label for every status, substatus, reason, button and form error', () => {
    for (const status of STATUSES) expect(hasMessage(`status.${status}`), status).to.equal(true);
    for (const substatus of SUBSTATUSES) expect(hasMessage(`substatus.${substatus}`), substatus).to.equal(true);
    for (const reason of CLOSE_REASONS) expect(hasMessage(`reason.${reason}`), reason).to.equal(true);
    for (const command of Object.keys(COMMAND_BUTTONS)) expect(hasMessage(`action.${command}`), command).to.equal(true);
    for (const key of Object.values(FORM_ERRORS)) expect(hasMessage(key), key).to.equal(true);
    expect(CLOSE_REASONS.map((reason) => t('en', `reason.${reason}`))).to.deep.equal([
      "Project budget isn't adequate",
      "Customer didn't respond",
      'Customer chose another vendor',
      'Customer requirement not met',
      'Not a customer',
      'Proposed timeline was too short',
      'Report as abuse, spam, or phishing',
      'Other',
    ]);
  });

  it('has the strings the bot wiring needs', () => {
    for (const key of [
      'reply.accepted',
      'reply.declined',
      'reply.interested',
      'reply.noThanks',
      'reply.won',
      'reply.lost',
      'reply.engagementEdited',
      'reply.contactAdded',
      'reply.reminder',
      'reply.expiresSoon',
      'reply.expired',
      'reply.skipped',
      'reply.urgencyChanged',
      'reply.closeDatePassed',
      'command.subscribed',
      'command.subscribedAll',
      'command.subscribedOnly',
      'command.unsubscribed',
      'command.noRoutes',
      'command.settingsShown',
      'command.settingsChanged',
      'command.referralNotFound',
      'command.notAllowedTenant',
      'command.onlyOwnerOrManager',
      'command.staleCard',
      'command.alreadyAccepted',
      'command.unknownAction',
      'command.invalidForm',
    ]) {
      expect(hasMessage(key), key).to.equal(true);
    }
    expect(t('en', 'reply.accepted', { actor: 'Alice', currency: 'USD', value: '50,000', date: '30 Jun 2026' })).to.equal(
      '✅ Accepted by Alice — USD\u00a050,000, close by 30 Jun 2026',
    );
  });

  it('templates hard-code no user-visible text: every word comes from the locale files', () => {
    for (const name of TEMPLATE_NAMES) {
      const found: string[] = [];
      visibleLiterals(TEMPLATES[name], name, found);
      expect(found, name).to.deep.equal([]);
    }
  });

  it('t() interpolates, falls back to English, then to the key', () => {
    expect(t('ru', 'command.referralNotFound', { id: 'r-1' })).to.equal('Рекомендация r-1 не найдена.');
    expect(t('en', 'command.referralNotFound')).to.equal('Referral {id} was not found.');
    expect(t('en', 'card.sizeRange', { min: 1 })).to.equal('1–{max} employees');
    expect(tKey('en', 'no.such.key')).to.equal(t('en', 'form.error.invalid'));
    expect(t('xx' as never, 'action.accept')).to.equal('Accept');
  });

  it('resolves locale tags', () => {
    expect(resolveLocale('ru-RU')).to.equal('ru');
    expect(resolveLocale('RU')).to.equal('ru');
    expect(resolveLocale('en-US')).to.equal('en');
    expect(resolveLocale('de-DE')).to.equal('en');
    expect(resolveLocale('de', 'ru')).to.equal('ru');
    expect(resolveLocale(undefined)).to.equal('en');
  });

  it('formats dates, money, countries and currencies per locale', () => {
    expect(formatDate('en', '2026-12-31T00:00:00.000Z')).to.equal('31 Dec 2026');
    expect(formatDate('ru', '2026-12-31T00:00:00.000Z')).to.equal('31 дек. 2026 г.');
    expect(formatDateTime('en', '2026-11-21T10:00:00.000Z')).to.equal('21 Nov 2026, 10:00 UTC');
    expect(formatMoney('en', 50_000, 'USD')).to.equal('USD\u00a050,000');
    expect(formatMoney('ru', 50_000.5, 'EUR')).to.match(/^EUR\u00a050\s000,5$/u);
    expect(countryName('en', 'de')).to.equal('Germany');
    expect(countryName('ru', 'DE')).to.equal('Германия');
    expect(countryName('en', 'US')).to.equal('United States');
    expect(countryName('en', 'XX')).to.equal('XX');
    expect(currencyTitle('en', 'USD')).to.equal('USD — US Dollar');
    expect(currencyTitle('ru', 'RUB')).to.equal('RUB — российский рубль');
  });
});
