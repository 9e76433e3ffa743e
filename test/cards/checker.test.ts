// The card checker must itself catch what it is there to catch, or "no warnings" proves nothing.

import { expect } from 'chai';
import { cardProblems } from '../support/cards.js';

const card = (body: unknown[], extra: object = {}) => ({ type: 'AdaptiveCard', version: '1.5', body, ...extra });

describe('cards: the card checker (adaptivecards 1.5)', () => {
  it('passes a clean card', () => {
    expect(cardProblems(card([{ type: 'TextBlock', text: 'Hello', wrap: true }]))).to.deep.equal([]);
  });

  it('catches parse warnings, validation failures, dropped values, bindings and bad date tokens', () => {
    const cases: [unknown, RegExp][] = [
      [card([{ type: 'Bogus' }]), /Unknown element type/],
      [card([{ type: 'TextBlock', text: 'x', color: 'red' }]), /Invalid value "red"/],
      [card([{ type: 'TextBlock', text: 5 }]), /dropped \$\.body\[0\]\.text/],
      [card([{ type: 'TextBlock', text: 'x', frobnicate: true }]), /dropped \$\.body\[0\]\.frobnicate/],
      [card([{ type: 'Input.Text', id: 'a', isRequired: true }]), /Required inputs should have a label/],
      [
        card([
          { type: 'Input.Text', id: 'a', label: 'A' },
          { type: 'Input.Text', id: 'a', label: 'B' },
        ]),
        /Duplicate|unique|id/i,
      ],
      [card([{ type: 'Input.Number', id: 'n', label: 'N', value: 'abc' }]), /dropped \$\.body\[0\]\.value/],
      [card([{ type: 'ActionSet', actions: [{ type: 'Action.Execute', verb: 'x', title: 't', associatedInputs: 'some' }] }]), /associatedInputs/],
      [card([{ type: 'TextBlock', text: '${name}' }]), /unexpanded/],
      [card([{ type: 'TextBlock', text: '{{DATE(2026-01-01T00:00:00.000Z, SHORT)}}' }]), /bad date token/],
    ];
    for (const [input, pattern] of cases) {
      const problems = cardProblems(input);
      expect(problems.join('\n'), JSON.stringify(input)).to.match(pattern);
    }
  });
});
