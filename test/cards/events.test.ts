import { expect } from 'chai';
import { t } from '../../cards/i18n.js';
import { alreadyActedText, describeChangesSince, eventsSince, isMaterialChange, threadReplyText } from '../../cards/view-models/events.js';
import type { Referral } from '../../referrals/model.js';
import { ACCEPT, ALICE, BOB, CLOSE_DATE_PASSED_HOURS, policyFor, run, URGENT_RFI } from '../support/cards.js';

const last = (referral: Referral) => referral.history[referral.history.length - 1]!;
const reply = (referral: Referral, locale: 'en' | 'ru' = 'en') => threadReplyText(locale, last(referral), referral, policyFor(referral.flow));

describe('cards: thread replies and change descriptions', () => {
  it('says who did what, with value and close date, in both languages', () => {
    const accepted = run('inbox', [[2, ACCEPT]]);
    expect(reply(accepted)).to.equal('✅ Accepted by Alice Seller — EUR\u00a050,000, close by 30 Jun 2026');
    expect(reply(accepted, 'ru')).to.match(/^✅ Принято: Alice Seller — EUR\u00a050\s000, закрытие до 30 июн\. 2026 г\.$/u);
    expect(reply(run('inbox', [[2, { type: 'decline', actor: BOB, reason: 'NotACustomer', notes: 'Student' }]]))).to.equal(
      '❌ Declined by Bob Seller: Not a customer (Student)',
    );
    expect(reply(run('classic', [[2, { type: 'interested', actor: BOB }]]))).to.include('Bob Seller is interested');
    expect(reply(run('classic', [[2, { type: 'noThanks', actor: BOB }]]))).to.include('Bob Seller answered “No thanks”');
    expect(
      reply(
        run('inbox', [
          [2, ACCEPT],
          [90, { type: 'won', actor: ALICE, final: { dealValue: 61_500, closingDateTime: '2026-05-31T00:00:00.000Z' } }],
        ]),
      ),
    ).to.equal('🏆 Won by Alice Seller — EUR\u00a061,500, closed 31 May 2026');
    expect(
      reply(
        run('inbox', [
          [2, ACCEPT],
          [90, { type: 'lost', actor: ALICE, reason: 'BudgetNotAdequate' }],
        ]),
        'ru',
      ),
    ).to.equal('📉 Потеряно, отметил(а) Alice Seller. Причина: Недостаточный бюджет проекта');
    expect(
      reply(
        run('inbox', [
          [2, ACCEPT],
          [5, { type: 'editEngagement', actor: ALICE, changes: { dealValue: 1, closingDateTime: '2026-07-01T00:00:00.000Z' } }],
        ]),
      ),
    ).to.equal('✏️ Engagement edited by Alice Seller: deal value and close date');
    expect(
      reply(
        run('inbox', [
          [2, ACCEPT],
          [5, { type: 'addContact', actor: ALICE, contact: { firstName: 'Dan', lastName: 'P', email: 'dan@p.example' } }],
        ]),
      ),
    ).to.equal('👤 Contact added by Alice Seller: Dan P · [dan@p.example](mailto:dan@p.example)');
  });

  it('words the timer notices', () => {
    expect(reply(run('inbox', [[25, { type: 'remind' }]]))).to.equal(t('en', 'reply.reminder', { duration: '24 h' }));
    expect(
      reply(
        run('inbox', [
          [25, { type: 'remind' }],
          [288, { type: 'warnExpiry' }],
        ]),
      ),
    ).to.equal('⌛ Expires soon (16 Mar 2026, 09:00 UTC). Accept or decline before then.');
    expect(
      reply(
        run(
          'inbox',
          [
            [25, { type: 'remind' }],
            [72, { type: 'changeUrgency' }],
          ],
          URGENT_RFI(),
        ),
      ),
    ).to.include('72 h ago');
    expect(reply(run('inbox', [[336, { type: 'expire' }]]))).to.equal(t('en', 'reply.expired'));
    expect(reply(run('classic', [[72, { type: 'skip' }]]))).to.equal(t('en', 'reply.skipped', { duration: '72 h' }));
    expect(
      () =>
        run('inbox', [
          [2, ACCEPT],
          [CLOSE_DATE_PASSED_HOURS - 1, { type: 'remindCloseDate' }],
        ]),
      'not during 30 Jun itself',
    ).to.throw(/NotDue/);
    expect(
      reply(
        run('inbox', [
          [2, ACCEPT],
          [CLOSE_DATE_PASSED_HOURS, { type: 'remindCloseDate' }],
        ]),
      ),
    ).to.include('(30 Jun 2026) has passed');
    expect(threadReplyText('en', run('inbox', []).history[0]!, run('inbox', []), policyFor('inbox'))).to.equal(undefined);
  });

  it('describes what changed since the version a stale card showed', () => {
    const referral = run('inbox', [
      [2, ACCEPT],
      [5, { type: 'editEngagement', actor: BOB, asManager: true, changes: { notes: 'x' } }],
    ]);
    expect(eventsSince(referral, 1).map((e) => e.type)).to.deep.equal(['accepted', 'engagementEdited']);
    expect(describeChangesSince('en', referral, 1)).to.equal('accepted by Alice Seller; engagement edited by Bob Seller');
    expect(t('en', 'command.staleCard', { what: describeChangesSince('en', referral, 2) })).to.equal(
      'This card was out of date: engagement edited by Bob Seller. Here is the current one.',
    );
    expect(describeChangesSince('ru', referral, 1)).to.equal('принята (Alice Seller); взаимодействие изменено (Bob Seller)');
    expect(describeChangesSince('en', referral, referral.version)).to.equal('');
    const reminded = run('inbox', [[25, { type: 'remind' }]]);
    expect(isMaterialChange(last(reminded))).to.equal(false);
    expect(describeChangesSince('en', reminded, 1, { materialOnly: true })).to.equal('');
  });

  it('tells a late clicker who already acted', () => {
    expect(alreadyActedText('en', run('inbox', [[2, ACCEPT]]))).to.equal('Already accepted by Alice Seller.');
    expect(alreadyActedText('ru', run('inbox', [[2, ACCEPT]]))).to.equal('Уже принято: Alice Seller.');
    expect(alreadyActedText('en', run('inbox', [[2, { type: 'decline', actor: BOB, reason: 'Other' }]]))).to.equal('Already declined by Bob Seller.');
    expect(alreadyActedText('en', run('classic', [[2, { type: 'noThanks', actor: BOB }]]))).to.equal(
      'Bob Seller already acted on this referral: Bob Seller answered “No thanks”.',
    );
    expect(alreadyActedText('en', run('inbox', [[336, { type: 'expire' }]]))).to.equal('This referral is already closed: Closed · Expired.');
  });
});
