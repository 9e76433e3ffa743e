import { expect } from 'chai';
import { applyEvents } from '../../referrals/evolve.js';
import { dateInputToIso, isoToDateInput, todayIn } from '../../referrals/calendar.js';
import { DEAL_REGISTRATION_MIN_USD, dealRegistrationEligibility, isDealRegistrationEligible } from '../../referrals/deal-registration.js';
import { FIELD_LIMITS, FORM_LEVEL, type FormName } from '../../referrals/form-fields.js';
import { parseForm, type FormContext, type FormResult } from '../../referrals/forms.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Command } from '../../referrals/commands.js';
import type { Flow, Referral } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';

// The clock: forms are validated at NOW; "today" is 2026-03-04 (UTC).
const NOW = new Date('2026-03-04T09:00:00.000Z');
const ALICE = { id: 'aad-alice', name: 'Alice' };

function referralIn(flow: Flow, steps: Command[] = [], currency: string | null = 'EUR'): Referral {
  const policy = { ...DEFAULT_POLICY, flow };
  let referral: Referral | undefined;
  const takeIn: Command = {
    type: 'takeIn',
    rfi: { id: 'rfi-1', name: 'Contoso rollout', customerProfile: { name: 'Contoso' }, details: { notes: 'Needs Teams', ...(currency && { currency }) } },
  };
  for (const command of [takeIn, ...steps]) {
    const decision = decide(referral, command, NOW, policy);
    if (!decision.ok) throw decision.error;
    referral = applyEvents(referral, decision.events);
  }
  return referral!;
}

const INBOX = referralIn('inbox');
const ACTIVE = referralIn('inbox', [
  {
    type: 'accept',
    actor: ALICE,
    fields: {
      name: 'Contoso rollout',
      dealValue: 50_000,
      currency: 'EUR',
      closingDateTime: '2026-06-30T00:00:00.000Z',
      notes: 'Seats',
      externalReferenceId: 'CRM-1',
    },
    contacts: [],
  },
]);
const ctx = (overrides: Partial<FormContext> = {}): FormContext => ({ now: NOW, flow: 'inbox', referral: INBOX, ...overrides });

const VALID_ACCEPT = { engagementName: 'Contoso rollout', dealValue: '50000', currency: 'EUR', closeDate: '2026-06-30' };

function errorsOf(result: FormResult): Record<string, string | undefined> {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.command)}`);
  return result.errors;
}
function commandOf(result: FormResult) {
  if (!result.ok) throw new Error(`expected a command, got ${JSON.stringify(result.errors)}`);
  return result.command;
}

/** [description, form, inputs, context, expected: a command (deep equal) or errors (deep equal)]. */
type Row = [string, FormName | string, Record<string, unknown>, Partial<FormContext>, { command: unknown } | { errors: Record<string, string> }];

/** What the Won form sends when the seller keeps the prefilled figures (today: 2026-03-04). */
const FINAL = { dealValue: '48000', closeDate: '2026-03-04' };
const FINAL_COMMAND = { dealValue: 48_000, closingDateTime: '2026-03-04T00:00:00.000Z' };

const TABLE: Row[] = [
  // Inbox Accept: required fields, parsing, output shape
  [
    'inbox accept: minimal valid',
    'accept',
    VALID_ACCEPT,
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 50_000, currency: 'EUR', closingDateTime: '2026-06-30T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  [
    'inbox accept: all fields, two contacts, ids and unknown keys ignored',
    'accept',
    {
      ...VALID_ACCEPT,
      notes: '  400 seats  ',
      crmId: 'CRM-9',
      referralId: 'rfi-1',
      version: 1,
      form: 'accept',
      sneaky: { status: 'Won' },
      contact1FirstName: 'Carol',
      contact1LastName: 'Partner',
      contact1Email: 'carol@partner.example',
      contact1Phone: '',
      contact2FirstName: 'Dan',
      contact2LastName: 'Partner',
      contact2Phone: '+49 (30) 123-456',
    },
    {},
    {
      command: {
        type: 'accept',
        fields: {
          name: 'Contoso rollout',
          dealValue: 50_000,
          currency: 'EUR',
          closingDateTime: '2026-06-30T00:00:00.000Z',
          notes: '400 seats',
          externalReferenceId: 'CRM-9',
        },
        contacts: [
          { firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example' },
          { firstName: 'Dan', lastName: 'Partner', phoneNumber: '+49 (30) 123-456' },
        ],
      },
    },
  ],
  [
    'inbox accept: everything missing',
    'accept',
    {},
    {},
    {
      errors: { engagementName: 'form.error.required', dealValue: 'form.error.required', currency: 'form.error.required', closeDate: 'form.error.required' },
    },
  ],
  [
    'inbox accept: blanks count as missing',
    'accept',
    { engagementName: '   ', dealValue: '', currency: '', closeDate: '' },
    {},
    {
      errors: { engagementName: 'form.error.required', dealValue: 'form.error.required', currency: 'form.error.required', closeDate: 'form.error.required' },
    },
  ],
  [
    'value: decimal string parses',
    'accept',
    { ...VALID_ACCEPT, dealValue: '1234.56' },
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 1234.56, currency: 'EUR', closingDateTime: '2026-06-30T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  // The client clamps a typed -5 to its min and sends "0": a zero can only be a slip, never a deal.
  ['value: 0 is refused with the deal-value error', 'accept', { ...VALID_ACCEPT, dealValue: '0' }, {}, { errors: { dealValue: 'form.error.dealValue' } }],
  [
    'value: a number (not a string) is accepted',
    'accept',
    { ...VALID_ACCEPT, dealValue: 42 },
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 42, currency: 'EUR', closingDateTime: '2026-06-30T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  ['value: negative', 'accept', { ...VALID_ACCEPT, dealValue: '-1' }, {}, { errors: { dealValue: 'form.error.dealValue' } }],
  ['value: not a number', 'accept', { ...VALID_ACCEPT, dealValue: 'lots' }, {}, { errors: { dealValue: 'form.error.notNumber' } }],
  ['value: thousands separators are ambiguous', 'accept', { ...VALID_ACCEPT, dealValue: '50,000' }, {}, { errors: { dealValue: 'form.error.notNumber' } }],
  ['value: Infinity', 'accept', { ...VALID_ACCEPT, dealValue: Infinity }, {}, { errors: { dealValue: 'form.error.notNumber' } }],
  ['value: too large', 'accept', { ...VALID_ACCEPT, dealValue: String(FIELD_LIMITS.dealValueMax + 1) }, {}, { errors: { dealValue: 'form.error.tooLarge' } }],
  ['value: wrong type', 'accept', { ...VALID_ACCEPT, dealValue: { amount: 5 } }, {}, { errors: { dealValue: 'form.error.notNumber' } }],
  [
    'currency: lower case is normalized',
    'accept',
    { ...VALID_ACCEPT, currency: 'usd' },
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 50_000, currency: 'USD', closingDateTime: '2026-06-30T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  ['currency: not ISO 4217', 'accept', { ...VALID_ACCEPT, currency: 'EURO' }, {}, { errors: { currency: 'form.error.currency' } }],
  ['currency: unknown code', 'accept', { ...VALID_ACCEPT, currency: 'ABC' }, {}, { errors: { currency: 'form.error.currency' } }],
  ['currency: wrong type', 'accept', { ...VALID_ACCEPT, currency: ['EUR'] }, {}, { errors: { currency: 'form.error.invalid' } }],
  [
    'close date: today is allowed',
    'accept',
    { ...VALID_ACCEPT, closeDate: '2026-03-04' },
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 50_000, currency: 'EUR', closingDateTime: '2026-03-04T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  ['close date: yesterday is in the past', 'accept', { ...VALID_ACCEPT, closeDate: '2026-03-03' }, {}, { errors: { closeDate: 'form.error.dateInPast' } }],
  ['close date: not a calendar date', 'accept', { ...VALID_ACCEPT, closeDate: '2026-02-30' }, {}, { errors: { closeDate: 'form.error.date' } }],
  ['close date: wrong format', 'accept', { ...VALID_ACCEPT, closeDate: '30.06.2026' }, {}, { errors: { closeDate: 'form.error.date' } }],
  [
    'close date: a date-time is not a card date',
    'accept',
    { ...VALID_ACCEPT, closeDate: '2026-06-30T00:00:00Z' },
    {},
    { errors: { closeDate: 'form.error.date' } },
  ],
  [
    'close date: "today" in the submitter\'s zone (Auckland is already on 5 March)',
    'accept',
    { ...VALID_ACCEPT, closeDate: '2026-03-04' },
    { now: new Date('2026-03-04T12:00:00Z'), timeZone: 'Pacific/Auckland' },
    {
      errors: { closeDate: 'form.error.dateInPast' },
    },
  ],
  [
    'close date: "today" in Los Angeles is still 3 March at 05:00 UTC',
    'accept',
    { ...VALID_ACCEPT, closeDate: '2026-03-03' },
    { now: new Date('2026-03-04T05:00:00Z'), timeZone: 'America/Los_Angeles' },
    {
      command: {
        type: 'accept',
        fields: { name: 'Contoso rollout', dealValue: 50_000, currency: 'EUR', closingDateTime: '2026-03-03T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  [
    'close date: an unknown time zone counts as UTC',
    'accept',
    { ...VALID_ACCEPT, closeDate: '2026-03-03' },
    { timeZone: 'Mars/Olympus' },
    { errors: { closeDate: 'form.error.dateInPast' } },
  ],
  [
    'text: name at the limit',
    'accept',
    { ...VALID_ACCEPT, engagementName: 'n'.repeat(200) },
    {},
    {
      command: {
        type: 'accept',
        fields: { name: 'n'.repeat(200), dealValue: 50_000, currency: 'EUR', closingDateTime: '2026-06-30T00:00:00.000Z' },
        contacts: [],
      },
    },
  ],
  ['text: name too long', 'accept', { ...VALID_ACCEPT, engagementName: 'n'.repeat(201) }, {}, { errors: { engagementName: 'form.error.tooLong' } }],
  ['text: notes too long', 'accept', { ...VALID_ACCEPT, notes: 'x'.repeat(2001) }, {}, { errors: { notes: 'form.error.tooLong' } }],
  ['text: CRM ID too long', 'accept', { ...VALID_ACCEPT, crmId: 'x'.repeat(101) }, {}, { errors: { crmId: 'form.error.tooLong' } }],
  ['text: wrong type', 'accept', { ...VALID_ACCEPT, notes: 5 }, {}, { errors: { notes: 'form.error.invalid' } }],
  [
    'contact: e-mail invalid',
    'accept',
    { ...VALID_ACCEPT, contact1FirstName: 'A', contact1LastName: 'B', contact1Email: 'a@b' },
    {},
    { errors: { contact1Email: 'form.error.email' } },
  ],
  [
    'contact: phone invalid',
    'accept',
    { ...VALID_ACCEPT, contact2FirstName: 'A', contact2LastName: 'B', contact2Phone: 'call me' },
    {},
    { errors: { contact2Phone: 'form.error.phone' } },
  ],
  [
    'contact: half filled needs names and a way to reach',
    'accept',
    { ...VALID_ACCEPT, contact1FirstName: 'Dana' },
    {},
    {
      errors: { contact1LastName: 'form.error.contactName', contact1Email: 'form.error.emailOrPhone' },
    },
  ],
  [
    'contact errors come in the same round as field errors',
    'accept',
    { ...VALID_ACCEPT, dealValue: '-1', contact2Email: 'x@y.example' },
    {},
    {
      errors: { dealValue: 'form.error.dealValue', contact2FirstName: 'form.error.contactName', contact2LastName: 'form.error.contactName' },
    },
  ],

  // Classic Accept
  [
    'classic accept: value and close date, currency from the RFI',
    'accept',
    { dealValue: '20000', closeDate: '2026-05-01', engagementName: 'ignored' },
    { flow: 'classic', referral: referralIn('classic') },
    {
      command: { type: 'accept', fields: { dealValue: 20_000, currency: 'EUR', closingDateTime: '2026-05-01T00:00:00.000Z' }, contacts: [] },
    },
  ],
  [
    'classic accept: USD when the RFI names no currency',
    'accept',
    { dealValue: '1', closeDate: '2026-05-01' },
    { flow: 'classic', referral: referralIn('classic', [], null) },
    {
      command: { type: 'accept', fields: { dealValue: 1, currency: 'USD', closingDateTime: '2026-05-01T00:00:00.000Z' }, contacts: [] },
    },
  ],
  ['classic accept: required fields', 'accept', {}, { flow: 'classic' }, { errors: { dealValue: 'form.error.required', closeDate: 'form.error.required' } }],

  // Decline / Lost
  [
    'decline: reason and notes',
    'decline',
    { reason: 'NotACustomer', notes: 'Student project' },
    {},
    { command: { type: 'decline', reason: 'NotACustomer', notes: 'Student project' } },
  ],
  ['decline: reason only', 'decline', { reason: 'Other', notes: '' }, {}, { command: { type: 'decline', reason: 'Other' } }],
  ['decline: reason required', 'decline', { notes: 'why' }, {}, { errors: { reason: 'form.error.required' } }],
  ['decline: reason must be one of the 8', 'decline', { reason: 'TooExpensive' }, {}, { errors: { reason: 'form.error.reason' } }],
  ['decline: reason is case-sensitive', 'decline', { reason: 'other' }, {}, { errors: { reason: 'form.error.reason' } }],
  [
    'lost: reason and notes',
    'lost',
    { reason: 'CustomerChoseAnotherVendor', notes: 'Incumbent' },
    { referral: ACTIVE },
    {
      command: { type: 'lost', reason: 'CustomerChoseAnotherVendor', notes: 'Incumbent' },
    },
  ],
  ['lost: notes too long', 'lost', { reason: 'Other', notes: 'x'.repeat(2001) }, { referral: ACTIVE }, { errors: { notes: 'form.error.tooLong' } }],

  // Won: the final value and close date first, then deal registration when eligible
  [
    'won: nothing entered (the prefilled final figures cleared)',
    'won',
    {},
    { referral: ACTIVE },
    { errors: { dealValue: 'form.error.required', closeDate: 'form.error.required' } },
  ],
  ['won: final figures only', 'won', { ...FINAL }, { referral: ACTIVE }, { command: { type: 'won', final: FINAL_COMMAND } }],
  [
    'won: closed on a day still to come',
    'won',
    { ...FINAL, closeDate: '2026-03-05' },
    { referral: ACTIVE },
    { errors: { closeDate: 'form.error.dateInFuture' } },
  ],
  ['won: a final value of nothing', 'won', { ...FINAL, dealValue: '0' }, { referral: ACTIVE }, { errors: { dealValue: 'form.error.dealValue' } }],
  [
    'won: eligible, registration details',
    'won',
    { ...FINAL, contractSignedDate: '2026-03-01', customerTenantId: '6F1A2B3C-1234-4ABC-8DEF-0123456789AB', notes: 'Signed' },
    { referral: ACTIVE },
    {
      command: {
        type: 'won',
        final: FINAL_COMMAND,
        dealRegistration: { contractSignedDate: '2026-03-01T00:00:00.000Z', customerTenantId: '6f1a2b3c-1234-4abc-8def-0123456789ab', notes: 'Signed' },
      },
    },
  ],
  [
    'won: contract date in the future',
    'won',
    { ...FINAL, contractSignedDate: '2026-03-05' },
    { referral: ACTIVE },
    { errors: { contractSignedDate: 'form.error.dateInFuture' } },
  ],
  [
    'won: contract signed more than 60 days ago',
    'won',
    { ...FINAL, contractSignedDate: '2026-01-02' },
    { referral: ACTIVE },
    { errors: { contractSignedDate: 'form.error.contractTooOld' } },
  ],
  [
    'won: contract signed exactly 60 days ago',
    'won',
    { ...FINAL, contractSignedDate: '2026-01-03' },
    { referral: ACTIVE },
    {
      command: { type: 'won', final: FINAL_COMMAND, dealRegistration: { contractSignedDate: '2026-01-03T00:00:00.000Z' } },
    },
  ],
  [
    'won: tenant id must be a GUID',
    'won',
    { ...FINAL, customerTenantId: 'contoso.onmicrosoft.com' },
    { referral: ACTIVE },
    { errors: { customerTenantId: 'form.error.tenantId' } },
  ],
  [
    'won: not eligible ignores the registration inputs',
    'won',
    { ...FINAL, customerTenantId: 'garbage' },
    {
      referral: referralIn('inbox', [
        { type: 'accept', actor: ALICE, fields: { name: 'x', dealValue: 10_000, currency: 'USD', closingDateTime: '2026-06-30T00:00:00.000Z' }, contacts: [] },
      ]),
    },
    { command: { type: 'won', final: FINAL_COMMAND } },
  ],

  // Edit engagement
  [
    'edit: only what changed',
    'editEngagement',
    { engagementName: 'Contoso rollout', closeDate: '2026-06-30', dealValue: '75000', currency: 'EUR', notes: 'Seats', crmId: 'CRM-1' },
    { referral: ACTIVE },
    {
      command: { type: 'editEngagement', changes: { dealValue: 75_000 } },
    },
  ],
  [
    'edit: rename, move the date, change currency',
    'editEngagement',
    { engagementName: 'New name', closeDate: '2026-07-15', dealValue: '50000', currency: 'USD', notes: 'Seats', crmId: 'CRM-1' },
    { referral: ACTIVE },
    {
      command: { type: 'editEngagement', changes: { name: 'New name', closingDateTime: '2026-07-15T00:00:00.000Z', currency: 'USD' } },
    },
  ],
  [
    'edit: clearing notes and CRM ID',
    'editEngagement',
    { engagementName: 'Contoso rollout', closeDate: '2026-06-30', dealValue: '50000', currency: 'EUR', notes: '', crmId: ' ' },
    { referral: ACTIVE },
    {
      command: { type: 'editEngagement', changes: { notes: '', externalReferenceId: '' } },
    },
  ],
  [
    'edit: emptied notes and CRM ID arrive missing (clients leave empty inputs out) and clear them',
    'editEngagement',
    { engagementName: 'Contoso rollout', closeDate: '2026-06-30', dealValue: '50000', currency: 'EUR' },
    { referral: ACTIVE },
    {
      command: { type: 'editEngagement', changes: { notes: '', externalReferenceId: '' } },
    },
  ],
  [
    'edit: nothing changed',
    'editEngagement',
    { engagementName: 'Contoso rollout', closeDate: '2026-06-30', dealValue: '50000', currency: 'EUR', notes: 'Seats', crmId: 'CRM-1' },
    { referral: ACTIVE },
    {
      errors: { [FORM_LEVEL]: 'form.error.nothingChanged' },
    },
  ],
  [
    'edit: a new close date in the past',
    'editEngagement',
    { engagementName: 'Contoso rollout', closeDate: '2026-03-01', dealValue: '50000', currency: 'EUR' },
    { referral: ACTIVE },
    {
      errors: { closeDate: 'form.error.dateInPast' },
    },
  ],
  [
    'edit: the stored close date stays allowed after it passed',
    'editEngagement',
    { engagementName: 'Renamed', closeDate: '2026-06-30', dealValue: '50000', currency: 'EUR', notes: 'Seats', crmId: 'CRM-1' },
    { referral: ACTIVE, now: new Date('2026-08-01T00:00:00Z') },
    {
      command: { type: 'editEngagement', changes: { name: 'Renamed' } },
    },
  ],
  [
    'edit: required fields',
    'editEngagement',
    { notes: 'x' },
    { referral: ACTIVE },
    {
      errors: { engagementName: 'form.error.required', closeDate: 'form.error.required', dealValue: 'form.error.required', currency: 'form.error.required' },
    },
  ],

  // Add contact
  [
    'add contact: with e-mail',
    'addContact',
    { firstName: ' Dan ', lastName: 'Partner', email: 'dan@partner.example', phone: '' },
    { referral: ACTIVE },
    {
      command: { type: 'addContact', contact: { firstName: 'Dan', lastName: 'Partner', email: 'dan@partner.example' } },
    },
  ],
  [
    'add contact: with phone',
    'addContact',
    { firstName: 'Dan', lastName: 'Partner', phone: '+7 495 123-45-67' },
    { referral: ACTIVE },
    {
      command: { type: 'addContact', contact: { firstName: 'Dan', lastName: 'Partner', phoneNumber: '+7 495 123-45-67' } },
    },
  ],
  [
    'add contact: names required, and a way to reach',
    'addContact',
    {},
    { referral: ACTIVE },
    {
      errors: { firstName: 'form.error.required', lastName: 'form.error.required', email: 'form.error.emailOrPhone' },
    },
  ],
  [
    'add contact: invalid e-mail and phone',
    'addContact',
    { firstName: 'D', lastName: 'P', email: 'dan at partner', phone: '12' },
    { referral: ACTIVE },
    {
      errors: { email: 'form.error.email', phone: 'form.error.phone' },
    },
  ],
  [
    'add contact: e-mail too long',
    'addContact',
    { firstName: 'D', lastName: 'P', email: `${'a'.repeat(250)}@x.example` },
    { referral: ACTIVE },
    { errors: { email: 'form.error.tooLong' } },
  ],
  [
    'add contact: first name too long',
    'addContact',
    { firstName: 'x'.repeat(101), lastName: 'P', email: 'd@p.example' },
    { referral: ACTIVE },
    { errors: { firstName: 'form.error.tooLong' } },
  ],
  [
    'add contact: wrong types',
    'addContact',
    { firstName: ['D'], lastName: true, email: 'd@p.example' },
    { referral: ACTIVE },
    {
      errors: { firstName: 'form.error.invalid', lastName: 'form.error.invalid' },
    },
  ],

  // Unknown
  ['unknown form', 'transfer', { anything: 1 }, {}, { errors: { [FORM_LEVEL]: 'form.error.unknownForm' } }],
];

describe('referrals/forms: parseForm', () => {
  for (const [description, form, inputs, context, expected] of TABLE) {
    it(description, () => {
      const result = parseForm(form, inputs, ctx(context));
      if ('command' in expected) expect(commandOf(result)).to.deep.equal(expected.command);
      else expect(errorsOf(result)).to.deep.equal(expected.errors);
    });
  }

  it('a parsed command is accepted by the lifecycle core as is (plus the actor)', () => {
    const accept = commandOf(parseForm('accept', { ...VALID_ACCEPT, contact1FirstName: 'C', contact1LastName: 'P', contact1Email: 'c@p.example' }, ctx()));
    const decision = decide(INBOX, { ...accept, actor: ALICE } as Command, NOW, DEFAULT_POLICY);
    expect(decision.ok).to.equal(true);
    const edit = commandOf(
      parseForm('editEngagement', { engagementName: 'X', closeDate: '2026-06-30', dealValue: '1', currency: 'EUR' }, ctx({ referral: ACTIVE })),
    );
    expect(decide(ACTIVE, { ...edit, actor: ALICE } as Command, NOW, DEFAULT_POLICY).ok).to.equal(true);
  });

  it('does not mutate its inputs, and tolerates a non-object', () => {
    const inputs = { ...VALID_ACCEPT, notes: '  x  ' };
    const copy = structuredClone(inputs);
    parseForm('accept', inputs, ctx());
    expect(inputs).to.deep.equal(copy);
    expect(errorsOf(parseForm('decline', null as never, ctx()))).to.deep.equal({ reason: 'form.error.required' });
  });
});

describe('referrals/forms: helpers', () => {
  it('converts card dates and stored dates', () => {
    expect(dateInputToIso('2026-06-30')).to.equal('2026-06-30T00:00:00.000Z');
    expect(isoToDateInput('2026-06-30T00:00:00.000Z')).to.equal('2026-06-30');
    expect(isoToDateInput('nonsense')).to.equal(undefined);
    expect(isoToDateInput(undefined)).to.equal(undefined);
    expect(todayIn(NOW)).to.equal('2026-03-04');
    expect(todayIn(new Date('2026-03-04T23:30:00Z'), 'Europe/Moscow')).to.equal('2026-03-05');
  });

  it('deal registration eligibility: co-sell deals under USD 25,000 are not eligible', () => {
    const deal = (dealValue: number | undefined, currency?: string) => ({
      details: { ...(dealValue !== undefined && { dealValue }), ...(currency && { currency }) },
    });
    expect(DEAL_REGISTRATION_MIN_USD).to.equal(25_000);
    expect(isDealRegistrationEligible(deal(25_000, 'USD'))).to.equal(true);
    expect(isDealRegistrationEligible(deal(24_999.99, 'USD'))).to.equal(false);
    expect(dealRegistrationEligibility(deal(10_000, 'USD'))).to.deep.equal({ eligible: false, reason: 'belowThreshold', valueUsd: 10_000 });
    expect(isDealRegistrationEligible(deal(10_000))).to.equal(false);
    // Another currency counts only with a rate (units per USD); without one, ask rather than skip.
    expect(isDealRegistrationEligible(deal(20_000, 'EUR'))).to.equal(true);
    expect(isDealRegistrationEligible(deal(20_000, 'EUR'), { EUR: 0.9 })).to.equal(false);
    expect(isDealRegistrationEligible(deal(30_000, 'EUR'), { EUR: 0.9 })).to.equal(true);
    expect(isDealRegistrationEligible(deal(undefined))).to.equal(true);
  });
});
