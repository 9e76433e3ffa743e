// View models of the forms (the acting user's own view of a referral): prefilled from the
// referral, or — after a rejected submission — with the entered values kept and each field's
// error shown under it. Field ids and limits come from referrals/form-fields.ts, rules from referrals/forms.ts.

import { escapeMarkdown } from '../markdown.js';
import { isDateOnly, isoToDateInput, todayIn } from '../../referrals/calendar.js';
import {
  DEAL_REGISTRATION_MIN_USD,
  DEAL_REGISTRATION_WITHIN_DAYS,
  dealRegistrationEligibility,
  earliestContractDate,
} from '../../referrals/deal-registration.js';
import { ACCEPT_CONTACT_SLOTS, FALLBACK_CURRENCY, FIELD_LIMITS, FORM_LEVEL, isCurrencyCode, type FormName } from '../../referrals/form-fields.js';
import type { FormErrors } from '../../referrals/forms.js';
import { CLOSE_REASONS, type Flow, type Referral } from '../../referrals/model.js';
import { cancelAction, cardRef, submitAction, type ExecuteAction } from '../actions.js';
import { currencyTitle, formatNumber, t, tKey, type Locale, type MessageKey } from '../i18n.js';

export interface FormOptions {
  locale: Locale;
  now: Date;
  /** The actor's IANA time zone, for "today" in the date pickers' min/max (default UTC). */
  timeZone?: string;
  /** Units per USD, for the deal-registration threshold on the Won form. */
  usdRates?: Readonly<Record<string, number>>;
  /** The currencies offered (ISO 4217); default COMMON_CURRENCIES. The referral's own is always offered. */
  currencies?: readonly string[];
}

export interface FormState {
  /** The raw inputs of a rejected submission: shown again instead of the prefill. */
  values?: Readonly<Record<string, unknown>>;
  /** parseForm's error keys per input id (FORM_LEVEL for the whole form). */
  errors?: FormErrors;
}

/** Currencies offered by default: the most used ISO 4217 codes, USD and EUR first. */
export const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'CNY',
  'INR',
  'AUD',
  'CAD',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'TRY',
  'ILS',
  'AED',
  'SAR',
  'QAR',
  'EGP',
  'ZAR',
  'NGN',
  'KES',
  'BRL',
  'MXN',
  'ARS',
  'CLP',
  'COP',
  'PEN',
  'SGD',
  'HKD',
  'TWD',
  'KRW',
  'NZD',
  'THB',
  'MYR',
  'IDR',
  'PHP',
  'VND',
  'KZT',
  'UAH',
  'RUB',
] as const;

export interface Choice {
  title: string;
  value: string;
}

/** One input as the templates bind it. null = leave the property out. */
export interface FieldView {
  id: string;
  label: string;
  placeholder: string | null;
  value: string | number | null;
  /** The message under the field after a rejected submission ('' = none). */
  error: string;
  /** The message a client shows when its own validation fails. */
  errorMessage: string;
  maxLength: number | null;
  min: string | number | null;
  max: string | number | null;
  regex: string | null;
  choices: Choice[];
}

export interface ContactSlotView {
  heading: string;
  firstName: FieldView;
  lastName: FieldView;
  email: FieldView;
  phone: FieldView;
}

export interface FormCardData {
  heading: string;
  subheading: string;
  intro: string;
  summary: string;
  fields: Record<string, FieldView>;
  contacts: ContactSlotView[];
  /** Won form: whether deal registration details are asked for. */
  eligible: boolean;
  registration: string;
  submit: ExecuteAction;
  cancel: ExecuteAction;
}

/** The template of a form: Accept has one per flow. */
export function formTemplateName(form: FormName, flow: Flow) {
  switch (form) {
    case 'accept':
      return flow === 'classic' ? 'accept-classic' : 'accept-inbox';
    case 'decline':
      return 'decline';
    case 'lost':
      return 'lost';
    case 'won':
      return 'won';
    case 'editEngagement':
      return 'edit-engagement';
    case 'addContact':
      return 'add-contact';
  }
}

// Client-side hints: the server re-validates everything (referrals/forms.ts).
const EMAIL_REGEX = '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$';
const PHONE_REGEX = '^\\+?[0-9(][0-9 ()\\-./]{3,29}$';
const GUID_REGEX = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

type Kind = 'text' | 'number' | 'date' | 'choice';

interface FieldSpec {
  id: string;
  kind: Kind;
  label: MessageKey;
  labelParams?: Record<string, string>;
  placeholder?: MessageKey;
  errorMessage: MessageKey;
  maxLength?: number;
  min?: string | number;
  max?: string | number;
  regex?: string;
  choices?: Choice[];
  prefill?: string | number | undefined;
}

/** The value a field shows: the entered one after a rejected submission, else the prefill. */
function shownValue(spec: FieldSpec, state: FormState): string | number | null {
  const entered = state.values !== undefined && Object.hasOwn(state.values, spec.id) ? state.values[spec.id] : undefined;
  const raw = entered !== undefined ? entered : spec.prefill;
  if (raw === undefined || raw === null) return null;
  switch (spec.kind) {
    case 'number': {
      const number = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isFinite(number) ? number : null;
    }
    case 'date':
      return typeof raw === 'string' && isDateOnly(raw.trim()) ? raw.trim() : null;
    case 'choice': {
      const value = typeof raw === 'string' ? raw.trim() : '';
      return spec.choices?.some((choice) => choice.value === value) ? value : null;
    }
    case 'text': {
      // '' is no value (the SDK drops it too).
      const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
      return text === '' ? null : text;
    }
  }
}

function errorParams(locale: Locale): Record<string, string | number> {
  return { max: formatNumber(locale, FIELD_LIMITS.dealValueMax), days: DEAL_REGISTRATION_WITHIN_DAYS };
}

function fieldView(locale: Locale, spec: FieldSpec, state: FormState): FieldView {
  const errorKey = state.errors?.[spec.id];
  const params = { ...errorParams(locale), ...(spec.maxLength !== undefined && { max: spec.maxLength }) };
  return {
    id: spec.id,
    label: t(locale, spec.label, spec.labelParams),
    placeholder: spec.placeholder ? t(locale, spec.placeholder) : null,
    value: shownValue(spec, state),
    error: errorKey ? tKey(locale, errorKey, params) : '',
    errorMessage: t(locale, spec.errorMessage, params),
    maxLength: spec.maxLength ?? null,
    min: spec.min ?? null,
    max: spec.max ?? null,
    regex: spec.regex ?? null,
    choices: spec.choices ?? [],
  };
}

export function currencyChoices(locale: Locale, referral: Referral, options: FormOptions): Choice[] {
  const own = referral.details.currency;
  const codes = [own, ...(options.currencies ?? COMMON_CURRENCIES)].filter((code): code is string => isCurrencyCode(code));
  return [...new Set(codes)].map((code) => ({ title: currencyTitle(locale, code), value: code }));
}

export function reasonChoices(locale: Locale): Choice[] {
  return CLOSE_REASONS.map((reason) => ({ title: t(locale, `reason.${reason}`), value: reason }));
}

function summaryText(locale: Locale, errors: FormErrors | undefined): string {
  if (!errors) return '';
  const fieldErrors = Object.keys(errors).filter((key) => key !== FORM_LEVEL && errors[key] !== undefined);
  const formError = errors[FORM_LEVEL];
  const parts = [fieldErrors.length > 0 ? t(locale, 'form.summary') : '', formError ? tKey(locale, formError) : ''];
  return parts.filter((part) => part !== '').join(' ');
}

const TITLES: Record<FormName, MessageKey> = {
  accept: 'form.accept.title',
  decline: 'form.decline.title',
  lost: 'form.lost.title',
  won: 'form.won.title',
  editEngagement: 'form.editEngagement.title',
  addContact: 'form.addContact.title',
};
const SUBMITS: Record<FormName, MessageKey> = {
  accept: 'form.accept.submit',
  decline: 'form.decline.submit',
  lost: 'form.lost.submit',
  won: 'form.won.submit',
  editEngagement: 'form.editEngagement.submit',
  addContact: 'form.addContact.submit',
};

function specs(form: FormName, referral: Referral, options: FormOptions): { fields: FieldSpec[]; contacts: FieldSpec[][] } {
  const locale = options.locale;
  const today = todayIn(options.now, options.timeZone);
  const details = referral.details;
  const currentClose = isoToDateInput(details.closingDateTime);
  const futureClose = currentClose !== undefined && currentClose >= today ? currentClose : undefined;
  const currencies = currencyChoices(locale, referral, options);
  const name = (prefill?: string): FieldSpec => ({
    id: 'engagementName',
    kind: 'text',
    label: 'field.engagementName',
    errorMessage: 'form.error.required',
    maxLength: FIELD_LIMITS.engagementName,
    prefill,
  });
  const value = (label: MessageKey = 'field.dealValue', labelParams?: Record<string, string>): FieldSpec => ({
    id: 'dealValue',
    kind: 'number',
    label,
    ...(labelParams && { labelParams }),
    errorMessage: 'form.error.dealValue',
    // No min: Teams clamps a number below min to min and sends that (-5 arrives as "0"); the bot's check says what is wrong.
    max: FIELD_LIMITS.dealValueMax,
    prefill: details.dealValue,
  });
  const currency: FieldSpec = {
    id: 'currency',
    kind: 'choice',
    label: 'field.currency',
    placeholder: 'field.currency.placeholder',
    errorMessage: 'form.error.required',
    choices: currencies,
    prefill: isCurrencyCode(details.currency) ? details.currency : FALLBACK_CURRENCY,
  };
  const closeDate = (prefill: string | undefined, min: string | undefined = today): FieldSpec => ({
    id: 'closeDate',
    kind: 'date',
    label: 'field.closeDate',
    errorMessage: 'form.error.dateInPast',
    ...(min !== undefined && { min }),
    prefill,
  });
  const notes = (label: MessageKey, prefill?: string): FieldSpec => ({
    id: 'notes',
    kind: 'text',
    label,
    errorMessage: 'form.error.tooLong',
    maxLength: FIELD_LIMITS.notes,
    prefill,
  });
  const crmId = (prefill?: string): FieldSpec => ({
    id: 'crmId',
    kind: 'text',
    label: 'field.crmId',
    errorMessage: 'form.error.tooLong',
    maxLength: FIELD_LIMITS.crmId,
    prefill,
  });
  const person = (prefix: string, ids: { first: string; last: string; email: string; phone: string }): FieldSpec[] => [
    {
      id: ids.first,
      kind: 'text',
      label: 'field.firstName',
      errorMessage: prefix === '' ? 'form.error.required' : 'form.error.contactName',
      maxLength: FIELD_LIMITS.firstName,
    },
    {
      id: ids.last,
      kind: 'text',
      label: 'field.lastName',
      errorMessage: prefix === '' ? 'form.error.required' : 'form.error.contactName',
      maxLength: FIELD_LIMITS.lastName,
    },
    { id: ids.email, kind: 'text', label: 'field.email', errorMessage: 'form.error.email', maxLength: FIELD_LIMITS.email, regex: EMAIL_REGEX },
    { id: ids.phone, kind: 'text', label: 'field.phone', errorMessage: 'form.error.phone', maxLength: FIELD_LIMITS.phone, regex: PHONE_REGEX },
  ];
  const reason: FieldSpec = {
    id: 'reason',
    kind: 'choice',
    label: 'field.reason',
    placeholder: 'field.reason.placeholder',
    errorMessage: 'form.error.required',
    choices: reasonChoices(locale),
  };

  switch (form) {
    case 'accept':
      if (referral.flow === 'classic') {
        return { fields: [value('field.dealValueIn', { currency: details.currency ?? FALLBACK_CURRENCY }), closeDate(futureClose)], contacts: [] };
      }
      return {
        fields: [
          name(referral.name),
          value(),
          currency,
          closeDate(futureClose),
          notes('field.notes.accept', details.notes),
          crmId(referral.externalReferenceId),
        ],
        contacts: Array.from({ length: ACCEPT_CONTACT_SLOTS }, (_, i) => {
          const p = `contact${i + 1}`;
          return person(p, { first: `${p}FirstName`, last: `${p}LastName`, email: `${p}Email`, phone: `${p}Phone` });
        }),
      };
    case 'decline':
    case 'lost':
      return { fields: [reason, notes('field.notes.optional')], contacts: [] };
    case 'won':
      return {
        fields: [
          // The final figures, prefilled with the estimate and today: what stats and Partner Center get.
          value('field.wonValueIn', { currency: details.currency ?? FALLBACK_CURRENCY }),
          { id: 'closeDate', kind: 'date', label: 'field.wonDate', errorMessage: 'form.error.dateInFuture', max: today, prefill: today },
          {
            id: 'contractSignedDate',
            kind: 'date',
            label: 'field.contractSignedDate',
            errorMessage: 'form.error.date',
            min: earliestContractDate(today),
            max: today,
          },
          {
            id: 'customerTenantId',
            kind: 'text',
            label: 'field.customerTenantId',
            placeholder: 'field.customerTenantId.placeholder',
            errorMessage: 'form.error.tenantId',
            maxLength: FIELD_LIMITS.customerTenantId,
            regex: GUID_REGEX,
          },
          notes('field.notes.optional'),
        ],
        contacts: [],
      };
    case 'editEngagement':
      // A close date already past stays allowed unchanged (parseForm agrees), so the picker's min is the earlier one.
      return {
        fields: [
          name(referral.name),
          closeDate(currentClose, currentClose !== undefined && currentClose < today ? currentClose : today),
          value(),
          currency,
          notes('field.notes', details.notes),
          crmId(referral.externalReferenceId),
        ],
        contacts: [],
      };
    case 'addContact':
      return { fields: person('', { first: 'firstName', last: 'lastName', email: 'email', phone: 'phone' }), contacts: [] };
  }
}

export function formCardData(form: FormName, referral: Referral, options: FormOptions, state: FormState = {}): FormCardData {
  const { locale } = options;
  const ref = cardRef(referral);
  const { fields, contacts } = specs(form, referral, options);
  const eligibility = dealRegistrationEligibility(referral, options.usdRates);
  const intro: MessageKey =
    form === 'accept' ? (referral.flow === 'classic' ? 'form.acceptClassic.intro' : 'form.accept.intro') : (`form.${form}.intro` as MessageKey);
  return {
    heading: t(locale, TITLES[form]),
    subheading:
      referral.name === referral.customerProfile.name
        ? escapeMarkdown(referral.name)
        : t(locale, 'form.subtitle', { name: escapeMarkdown(referral.name), customer: escapeMarkdown(referral.customerProfile.name) }),
    intro: t(locale, intro),
    summary: summaryText(locale, state.errors),
    fields: Object.fromEntries(fields.map((spec) => [spec.id, fieldView(locale, spec, state)])),
    contacts: contacts.map((slot, i) => {
      const [firstName, lastName, email, phone] = slot.map((spec) => fieldView(locale, spec, state)) as [FieldView, FieldView, FieldView, FieldView];
      return { heading: t(locale, 'form.accept.contact', { n: i + 1 }), firstName, lastName, email, phone };
    }),
    eligible: form === 'won' && eligibility.eligible,
    registration:
      form !== 'won'
        ? ''
        : eligibility.eligible
          ? t(locale, 'form.won.registration', { days: DEAL_REGISTRATION_WITHIN_DAYS })
          : t(locale, 'form.won.notEligible', { min: formatNumber(locale, DEAL_REGISTRATION_MIN_USD) }),
    submit: submitAction(ref, form, t(locale, SUBMITS[form]), form === 'decline' ? 'destructive' : 'positive'),
    cancel: cancelAction(ref, t(locale, 'action.cancel')),
  };
}
