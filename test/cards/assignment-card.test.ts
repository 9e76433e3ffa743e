// What a pooled referral's card shows (docs/architecture.md#assignment): who has it and by when,
// Pass in the assignee's own view only, the managers' choice of people to reassign to, and the
// thread replies of each move, in both languages, valid at 1.5.

import { expect } from 'chai';
import { LOCALES, t } from '../../cards/i18n.js';
import { renderPool, renderReferralCard } from '../../cards/render.js';
import { threadReplyText } from '../../cards/view-models/events.js';
import type { Command } from '../../referrals/commands.js';
import { ALICE, BOB, at, buttonsOf, cardProblems, inputsOf, iso, policyFor, run, shown } from '../support/cards.js';

const assignAlice: Command = {
  type: 'assign',
  next: {
    assignee: { ...ALICE, teamsId: '29:alice' },
    answerBy: iso(2),
    windowMs: 2 * 3_600_000,
    skipped: [{ id: 'carla', name: 'Carla *Rossi*', why: 'away', until: '2026-03-20' }],
  },
};
const timeoutToBob: Command = { type: 'assignTimeout', next: { assignee: BOB, answerBy: iso(5), windowMs: 2 * 3_600_000, skipped: [] } };
const POOL = [
  { id: BOB.id, name: BOB.name },
  { id: 'carla', name: 'Carla <Rossi>' },
];

describe('cards: a pooled referral', () => {
  const assigned = run('inbox', [[0, assignAlice]]);
  const moved = run('inbox', [
    [0, assignAlice],
    [2, timeoutToBob],
  ]);
  const options = (locale: 'en' | 'ru', extra: object = {}) => ({ locale, now: at(1), policy: policyFor('inbox'), ...extra });

  for (const locale of LOCALES) {
    it(`(${locale}) the assignee's view: the line, Pass, and the managers' reassign choice parse at 1.5 with no warnings`, () => {
      const card = renderReferralCard(assigned, options(locale, { viewerId: ALICE.id, reassignTo: POOL }));
      expect(cardProblems(card)).to.deep.equal([]);
      expect(shown(card)).to.include(ALICE.name);
      expect(buttonsOf(card).map((button) => button.title)).to.include(t(locale, 'action.pass'));
      const choice = inputsOf(card).find((input) => input['id'] === 'reassignTo') as { choices: { title: string; value: string }[] };
      expect(choice.choices).to.deep.equal(POOL.map((person) => ({ title: person.name, value: person.id })));
    });
  }

  it('Pass is the assignee’s alone; everyone else sees the same card without it', () => {
    for (const viewerId of [undefined, BOB.id]) {
      const card = renderReferralCard(assigned, options('en', viewerId ? { viewerId } : {}));
      expect(buttonsOf(card).map((button) => button.title)).to.deep.equal([t('en', 'action.accept'), t('en', 'action.decline')]);
    }
  });

  it('an overdue window says so; an answered referral has no assignee line', () => {
    const late = renderReferralCard(assigned, { locale: 'en', now: at(3), policy: policyFor('inbox') });
    expect(shown(late)).to.match(new RegExp(`Assigned to\\*\\* ${ALICE.name} · answer by .*${t('en', 'card.overdue').replace(/[()]/g, '\\$&')}`));
    const accepted = run('inbox', [
      [0, assignAlice],
      [1, { type: 'decline', actor: BOB, reason: 'NotACustomer' }],
    ]);
    expect(shown(renderReferralCard(accepted, options('en')))).to.not.include('Assigned to');
  });

  it('the thread says who has it, who was skipped and why (escaped), and why it moved on', () => {
    const first = threadReplyText('en', assigned.history[1]!, assigned, policyFor('inbox'));
    expect(first).to.equal(
      `👉 Assigned to ${ALICE.name}: please accept or decline by 2 Mar 2026, 11:00 UTC. Skipped: Carla \\*Rossi\\* is away until 20 Mar 2026.`,
    );
    const passed = threadReplyText('en', moved.history.at(-1)!, moved, policyFor('inbox'));
    expect(passed).to.equal(`↪️ Passed to ${BOB.name} (answer by 2 Mar 2026, 14:00 UTC): ${ALICE.name} did not answer within 2 h.`);
    expect(threadReplyText('en', moved.history.at(-2)!, moved, policyFor('inbox')), 'the timeout itself says nothing more').to.equal(undefined);
    for (const event of moved.history.slice(1)) expect(threadReplyText('ru', event, moved, policyFor('inbox')) ?? '').to.not.match(/\{\w+\}/);
  });
});

describe('cards: the pool card', () => {
  const members = [
    { id: 'a', name: 'Anna *Schmidt*', weight: 2, open: 1, assigned: 4, answeredInTime: 3, passed: 1 },
    { id: 'b', name: 'Bruno Costa', weight: 1, away: '2026-12-28', open: 0, assigned: 2, answeredInTime: 2, passed: 0 },
    { id: 'c', name: 'Carla Rossi', weight: 1, away: true as const, open: 5, assigned: 0, answeredInTime: 0, passed: 0 },
  ];
  for (const locale of LOCALES) {
    it(`(${locale}) parses at 1.5 with no warnings and shows each member's figures, names escaped`, () => {
      const card = renderPool(locale, { members, cap: 5, respondWithinMs: 2 * 3_600_000 });
      expect(cardProblems(card)).to.deep.equal([]);
      const text = shown(card);
      expect(text)
        .to.include('Anna \\*Schmidt\\*')
        .and.include(t(locale, 'assign.awayUntil', { date: '28 Dec 2026' }).split(' ')[0]!);
      expect(text).to.include(t(locale, 'assign.cap', { cap: 5 }));
    });
  }
});
