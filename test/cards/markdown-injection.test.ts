// Outside text cannot make markdown (docs/architecture.md#hardening): a referral whose every
// customer- and seller-supplied string is a link, emphasis, a list and a {{DATE}} token, rendered
// into every card, form, list, digest, thread reply and notice, and each markdown text (TextBlock,
// Fact title and value, plain message) run through markdown-it, the CommonMark renderer of the
// Adaptive Cards JS host: no link, emphasis or list comes out of it, and the text reads as typed.

import { expect } from 'chai';
import MarkdownIt from 'markdown-it';
import { LOCALES, type Locale } from '../../cards/i18n.js';
import { renderDigest, renderForm, renderList, renderNotice, renderReferralCard, renderRoutes, renderStats } from '../../cards/render.js';
import { availableForms } from '../../cards/actions.js';
import { alreadyActedText, describeEvents, threadReplyText } from '../../cards/view-models/events.js';
import type { Command } from '../../referrals/commands.js';
import { digestContent } from '../../referrals/digest-content.js';
import type { Actor, Flow, Referral } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { listView } from '../../referrals/queue-views.js';
import { stats } from '../../referrals/stats.js';
import { at, cardRfi, run, type Step } from '../support/cards.js';

const md = new MarkdownIt();

/** A hostile string for field `tag`: a disguised link, bold, raw HTML, a date token. */
const evil = (tag: string) => `[${tag}](https://evil.example/${tag}) **${tag}** <b>${tag}</b> {{DATE(2026-01-01T00:00:00Z)}}`;
/** The same, with a list and a heading on lines of their own (for multi-line notes). */
const evilLines = (tag: string) => `${evil(tag)}\n- ${tag} item\n# ${tag} heading\n1. ${tag} first`;

const MALLORY: Actor = { id: 'aad-mallory', name: evil('actor') };

const rfi = () =>
  cardRfi({
    id: 'rfi-*evil*',
    name: evil('rfiName'),
    customerProfile: {
      name: evil('customer'),
      size: evil('size'),
      address: { city: evil('city'), state: evil('state'), country: 'DE' },
      team: [
        { firstName: evil('first'), lastName: evil('last'), email: 'x_y@contoso.example', phoneNumber: evil('phone'), contactPreference: evil('pref') },
        // Addresses that try to be a link to elsewhere: shown as typed, no link at all.
        { firstName: 'Eve', email: 'eve@x.example](https://evil.example/mail)', phoneNumber: '+1 555 0100](https://evil.example/tel)' },
      ],
    },
    details: {
      notes: evilLines('notes'),
      currency: 'EUR',
      requirements: { products: [{ name: evil('product') }], solutions: [{ id: 'SOL-1', name: evil('solution') }] },
    },
  });

const accept: Command = {
  type: 'accept',
  actor: MALLORY,
  fields: {
    name: evil('engagement'),
    dealValue: 50_000,
    currency: 'EUR',
    closingDateTime: '2026-06-30T00:00:00.000Z',
    notes: evilLines('acceptNotes'),
    externalReferenceId: evil('crm'),
  },
  contacts: [{ firstName: evil('partnerFirst'), lastName: 'P', email: 'p@partner.example' }],
};

const paths: [string, Flow, Step[]][] = [
  ['New', 'inbox', []],
  [
    'Active, edited, contact added',
    'inbox',
    [
      [2, accept],
      [3, { type: 'editEngagement', actor: MALLORY, changes: { notes: evilLines('editNotes') } }],
      [4, { type: 'addContact', actor: MALLORY, contact: { firstName: evil('added'), lastName: 'C', phoneNumber: '+49 30 1' } }],
    ],
  ],
  ['Declined', 'inbox', [[3, { type: 'decline', actor: MALLORY, reason: 'NotACustomer', notes: evilLines('declineNotes') }]]],
  [
    'Lost',
    'inbox',
    [
      [2, accept],
      [9, { type: 'lost', actor: MALLORY, reason: 'CustomerChoseAnotherVendor', notes: evilLines('lostNotes') }],
    ],
  ],
  [
    'Won, registered',
    'inbox',
    [
      [2, accept],
      [
        9,
        {
          type: 'won',
          actor: MALLORY,
          dealRegistration: {
            contractSignedDate: '2026-03-05T00:00:00.000Z',
            customerTenantId: '6f1a2b3c-1234-4abc-8def-0123456789ab',
            notes: evilLines('regNotes'),
          },
        },
      ],
    ],
  ],
  ['classic Received', 'classic', [[3, { type: 'interested', actor: MALLORY }]]],
];

const referrals = (): Referral[] => paths.map(([, flow, steps], index) => ({ ...run(flow, steps, rfi()), id: `rfi-*evil*-${index}` }));

/** Every string a host renders as markdown: TextBlock text, Fact titles and values. */
function markdownTexts(node: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    const element = value as Record<string, unknown>;
    if (element['type'] === 'TextBlock' && typeof element['text'] === 'string') found.push(element['text']);
    if (element['type'] === 'FactSet' && Array.isArray(element['facts']))
      for (const fact of element['facts'] as { title: string; value: string }[]) found.push(fact.title, fact.value);
    for (const [key, item] of Object.entries(element)) if (key !== 'data') visit(item);
  };
  visit(node);
  return found;
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/**
 * The one kind of link a card may hold: a contact's own address, `mailto:` or `tel:` with the
 * address it shows (hyphens shown as non-breaking ones), built by cards/markdown.ts.
 */
function isContactLink(at: number, html: string): boolean {
  const link = /^<a href="(mailto|tel):([^"]*)">([^<]*)<\/a>/.exec(html.slice(at));
  if (!link) return false;
  const [, scheme, target, shown] = link;
  const text = decode(shown!).replace(/\u2011/g, '-');
  return scheme === 'mailto' ? decodeURI(target!) === text : target === text.replace(/[^\d+]/g, '');
}

/** What markdown made of `texts`: the HTML problems, and the text a reader sees. */
function check(where: string, texts: readonly string[]): string {
  const problems: string[] = [];
  let seen = '';
  for (const text of texts) {
    const html = md.render(text);
    for (const link of html.matchAll(/<a\s[^>]*>/g)) if (!isContactLink(link.index, html)) problems.push(`a link: ${text}`);
    // Every tag of evil() is one word; the bot's own bold labels end in a colon.
    if (/<(em|strong)>[A-Za-z]+<\/\1>/.test(html)) problems.push(`emphasis from outside text: ${text}`);
    if (/<(li|h[1-6])>[^<]*(item|heading|first)/.test(html)) problems.push(`a list or heading from outside text: ${text}`);
    if (/<b>/.test(html)) problems.push(`raw HTML: ${text}`);
    if (/(^|[^\\{])\{\{DATE\(2026-01-01/.test(text)) problems.push(`a date token Teams would expand: ${text}`);
    seen += `${decode(html)}\n`;
  }
  expect(problems, where).to.deep.equal([]);
  return seen;
}

describe('cards: outside text never becomes markdown', () => {
  for (const locale of LOCALES as readonly Locale[]) {
    it(`(${locale}) the referral card, its forms, thread replies and "already acted" notes, in every state`, () => {
      for (const [index, referral] of referrals().entries()) {
        const name = paths[index]![0];
        const options = { locale, now: at(10), policy: DEFAULT_POLICY };
        const seen = check(`${name}: card`, markdownTexts(renderReferralCard(referral, options)));
        expect(seen, name).to.include(evil('customer'));
        for (const form of availableForms(referral)) check(`${name}: ${form} form`, markdownTexts(renderForm(form, referral, options)));
        const replies = referral.history
          .map((event) => threadReplyText(locale, event, referral, DEFAULT_POLICY))
          .filter((text): text is string => text !== undefined);
        check(`${name}: thread replies`, [...replies, describeEvents(locale, referral.history), alreadyActedText(locale, referral)]);
        check(
          `${name}: personal notice`,
          markdownTexts(renderNotice(locale, { title: referral.name, text: replies.at(-1) ?? '', referralId: referral.id })).slice(1),
        );
      }
    });

    it(`(${locale}) lists, stats and the digest`, () => {
      const all = referrals();
      const now = at(10);
      for (const filter of ['open', 'archived'] as const) {
        check(`list ${filter}`, markdownTexts(renderList(locale, listView(all, filter, MALLORY.id, now, DEFAULT_POLICY), { scope: 's' })));
      }
      check('stats', markdownTexts(renderStats(locale, stats(all, { now }), { period: 'all', scope: 's' })));
      const content = digestContent(all, { since: at(-1), until: now, now, policy: DEFAULT_POLICY, timeZone: 'UTC' });
      expect(content.changes.length).to.be.greaterThan(0);
      check('digest', markdownTexts(renderDigest(locale, content, { slot: now.toISOString(), since: at(-1).toISOString() })));
    });

    it(`(${locale}) the routes card: channel names and keyword filters`, () => {
      const card = renderRoutes(locale, [
        { channel: evil('channel'), isDefault: true },
        { channel: evil('other'), filters: { keyword: [evil('keyword')], region: [evil('region')], size: [evil('sizeFilter')] } },
      ]);
      const seen = check('routes', markdownTexts(card));
      expect(seen).to.include(evil('keyword'));
    });
  }

  it('the escaped text reads exactly as typed once rendered', () => {
    for (const typed of [evil('x'), 'Müller & Söhne GmbH', 'a_b*c', '+49 30 1234', '3.5 m', 'x &lt;y&gt;', 'back\\slash', '~~gone~~', 'a | b']) {
      const card = renderReferralCard({ ...run('inbox', [], rfi()), customerProfile: { name: typed } }, { locale: 'en', now: at(1), policy: DEFAULT_POLICY });
      const fact = markdownTexts(card).find((text, i, all) => all[i - 1] === 'Customer');
      expect(decode(md.renderInline(fact ?? '')), typed).to.equal(typed);
    }
  });
});
