// The catalogue of card forms: their names, input ids, length limits and error keys. The card
// templates (cards/templates/*.json) and the parsers (forms.ts) use these same names and numbers.

/** The forms a card can open (`open` verb) and submit (`submit` verb). */
export const FORM_NAMES = ['accept', 'decline', 'lost', 'won', 'editEngagement', 'addContact'] as const;
export type FormName = (typeof FORM_NAMES)[number];

export function isFormName(value: unknown): value is FormName {
  return typeof value === 'string' && (FORM_NAMES as readonly string[]).includes(value);
}

/** Input ids of each form, as the card templates name them (and the client sends them back). */
export const FORM_FIELDS = {
  acceptInbox: [
    'engagementName',
    'dealValue',
    'currency',
    'closeDate',
    'notes',
    'crmId',
    'contact1FirstName',
    'contact1LastName',
    'contact1Email',
    'contact1Phone',
    'contact2FirstName',
    'contact2LastName',
    'contact2Email',
    'contact2Phone',
  ],
  acceptClassic: ['dealValue', 'closeDate'],
  decline: ['reason', 'notes'],
  lost: ['reason', 'notes'],
  won: ['dealValue', 'closeDate', 'contractSignedDate', 'customerTenantId', 'notes'],
  // The Accept form's order, so a seller finds each field where it was.
  editEngagement: ['engagementName', 'dealValue', 'currency', 'closeDate', 'notes', 'crmId'],
  addContact: ['firstName', 'lastName', 'email', 'phone'],
} as const;

/** How many extra contacts the inbox Accept form offers. */
export const ACCEPT_CONTACT_SLOTS = 2;

/** Length limits (characters) and the deal value range; the card templates use the same numbers. */
export const FIELD_LIMITS = {
  engagementName: 200,
  notes: 2000,
  crmId: 100,
  firstName: 100,
  lastName: 100,
  email: 254,
  phone: 30,
  customerTenantId: 36,
  dealValueMax: 999_999_999_999,
} as const;

/** Message keys of the locale files (cards/locales/*.json) that form errors use. */
export const FORM_ERRORS = {
  required: 'form.error.required',
  invalid: 'form.error.invalid',
  tooLong: 'form.error.tooLong',
  notNumber: 'form.error.notNumber',
  dealValue: 'form.error.dealValue',
  tooLarge: 'form.error.tooLarge',
  currency: 'form.error.currency',
  date: 'form.error.date',
  dateInPast: 'form.error.dateInPast',
  dateInFuture: 'form.error.dateInFuture',
  contractTooOld: 'form.error.contractTooOld',
  email: 'form.error.email',
  phone: 'form.error.phone',
  reason: 'form.error.reason',
  tenantId: 'form.error.tenantId',
  contactName: 'form.error.contactName',
  emailOrPhone: 'form.error.emailOrPhone',
  nothingChanged: 'form.error.nothingChanged',
  unknownForm: 'form.error.unknownForm',
} as const;
export type FormErrorKey = (typeof FORM_ERRORS)[keyof typeof FORM_ERRORS];

/** The errors entry for a problem with the whole form rather than one field. */
export const FORM_LEVEL = '_form';

/** Deal value the classic Accept form records when the RFI names no currency. */
export const FALLBACK_CURRENCY = 'USD';

const CURRENCY_CODES: readonly string[] = Intl.supportedValuesOf('currency');
const CURRENCY_SET = new Set(CURRENCY_CODES);

/** ISO 4217 codes this runtime knows (Intl.supportedValuesOf('currency')). */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && CURRENCY_SET.has(value);
}
