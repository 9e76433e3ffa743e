// Parsing of card form submissions: the raw inputs an Adaptive Card sends (strings, merged into
// the action's data by the client) → a command payload for decide(), or a message key per field.
// Pure: no clock reads (the caller passes `now`), no I/O. The client may or may not enforce the
// card's own isRequired / min / max / regex / maxLength: this is the check that counts.

import { z } from 'zod';
import { isCleanText } from './clean-text.js';
import { dateInputToIso, isDateOnly, isoToDateInput, todayIn } from './calendar.js';
import type { Command } from './commands.js';
import { earliestContractDate, isDealRegistrationEligible } from './deal-registration.js';
import {
  ACCEPT_CONTACT_SLOTS,
  FALLBACK_CURRENCY,
  FIELD_LIMITS,
  FORM_ERRORS,
  FORM_LEVEL,
  isCurrencyCode,
  type FormErrorKey,
  type FormName,
} from './form-fields.js';
import { CLOSE_REASONS, type Flow, type Referral } from './model.js';

type PersonCommandPayload<T> = T extends unknown ? Omit<T, 'actor' | 'asManager'> : never;
type FormCommandType = 'accept' | 'decline' | 'lost' | 'won' | 'editEngagement' | 'addContact';
/** What a valid submission asks for: a command minus its actor (the bot adds actor and asManager). */
export type FormCommand = PersonCommandPayload<Extract<Command, { type: FormCommandType }>>;

export type FormErrors = Partial<Record<string, FormErrorKey>>;
export type FormResult = { ok: true; command: FormCommand } | { ok: false; errors: FormErrors };

export interface FormContext {
  now: Date;
  /** The referral's flow (picks the inbox or the classic Accept form). */
  flow: Flow;
  /** The referral the form is about: the current values for Edit engagement, the currency and eligibility. */
  referral?: Referral;
  /**
   * The submitter's IANA time zone (Teams sends `activity.localTimezone`): "today" for the
   * not-in-the-past rules is taken there. Default UTC.
   */
  timeZone?: string;
  /** Units of a currency per 1 USD, for the deal-registration threshold (USD needs no rate). */
  usdRates?: Readonly<Record<string, number>>;
}

// ---------------------------------------------------------------------------------------------
// Field schemas. Card inputs arrive as strings; blank means "not given".

const E = FORM_ERRORS;
const typeError = (issue: { input?: unknown }) => (issue.input === undefined ? E.required : E.invalid);

function blank(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function text(max: number) {
  return z.string({ error: typeError }).max(max, { error: E.tooLong, abort: true }).refine(isCleanText, { error: E.invalid });
}
const requiredText = (max: number) => z.preprocess(blank, text(max));
const optionalText = (max: number) => z.preprocess(blank, text(max).optional());

const DECIMAL = /^-?\d+(\.\d+)?$/;
function toNumber(value: unknown): unknown {
  const given = blank(value);
  if (typeof given === 'string') return DECIMAL.test(given) ? Number(given) : Number.NaN;
  return given;
}
const amount = z.preprocess(
  toNumber,
  z
    .number({ error: (issue) => (issue.input === undefined ? E.required : E.notNumber) })
    // Above 0: a seller who typed -5 sees it refused, not clamped to 0 by the client and taken in as a deal of nothing.
    .positive({ error: E.dealValue })
    .max(FIELD_LIMITS.dealValueMax, { error: E.tooLarge }),
);

const currency = z.preprocess(
  (value) => {
    const given = blank(value);
    return typeof given === 'string' ? given.toUpperCase() : given;
  },
  z.string({ error: typeError }).refine(isCurrencyCode, { error: E.currency }),
);

interface DateRule {
  /** Earliest allowed date (YYYY-MM-DD) and the error when earlier. */
  notBefore?: { date: string; error: FormErrorKey };
  /** Latest allowed date and the error when later. */
  notAfter?: { date: string; error: FormErrorKey };
  /** A date that is always allowed (the stored value on an edit form). */
  unchanged?: string;
}

function dateString(rule: DateRule) {
  return z
    .string({ error: typeError })
    .refine(isDateOnly, { error: E.date, abort: true })
    .superRefine((date, ctx) => {
      if (date === rule.unchanged) return;
      if (rule.notBefore && date < rule.notBefore.date) ctx.addIssue({ code: 'custom', message: rule.notBefore.error });
      else if (rule.notAfter && date > rule.notAfter.date) ctx.addIssue({ code: 'custom', message: rule.notAfter.error });
    });
}
const requiredDate = (rule: DateRule) => z.preprocess(blank, dateString(rule));
const optionalDate = (rule: DateRule) => z.preprocess(blank, dateString(rule).optional());

const email = z.preprocess(
  blank,
  z
    .string({ error: typeError })
    .max(FIELD_LIMITS.email, { error: E.tooLong, abort: true })
    .pipe(z.email({ error: E.email }))
    .optional(),
);

const PHONE = /^\+?[0-9(][0-9 ()\-./]*$/;
const phone = z.preprocess(
  blank,
  z
    .string({ error: typeError })
    .max(FIELD_LIMITS.phone, { error: E.tooLong, abort: true })
    .refine((value) => PHONE.test(value) && (value.match(/\d/g)?.length ?? 0) >= 4, { error: E.phone })
    .optional(),
);

const reason = z.preprocess(blank, z.enum(CLOSE_REASONS, { error: (issue) => (issue.input === undefined ? E.required : E.reason) }));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tenantId = z.preprocess(
  blank,
  z
    .string({ error: typeError })
    .refine((value) => GUID.test(value), { error: E.tenantId })
    .transform((value) => value.toLowerCase())
    .optional(),
);

// ---------------------------------------------------------------------------------------------
// Forms

const KNOWN_KEYS = new Set<string>(Object.values(FORM_ERRORS));

function collect(error: z.ZodError): FormErrors {
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : FORM_LEVEL;
    if (errors[field] !== undefined) continue;
    errors[field] = KNOWN_KEYS.has(issue.message) ? (issue.message as FormErrorKey) : E.invalid;
  }
  return errors;
}

/**
 * Runs `schema` and the cross-field `rules` (which see the raw inputs, so their errors show in the
 * same round as the field errors); builds the result when both pass.
 */
function parseWith<S extends z.ZodType>(
  schema: S,
  raw: Record<string, unknown>,
  build: (value: z.output<S>) => FormResult,
  rules: (raw: Record<string, unknown>) => FormErrors = () => ({}),
): FormResult {
  const parsed = schema.safeParse(raw);
  const errors: FormErrors = { ...rules(raw), ...(parsed.success ? {} : collect(parsed.error)) };
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return parsed.success ? build(parsed.data) : { ok: false, errors: { [FORM_LEVEL]: E.invalid } };
}

function without<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function contactSchema(prefix: string) {
  return {
    [`${prefix}FirstName`]: optionalText(FIELD_LIMITS.firstName),
    [`${prefix}LastName`]: optionalText(FIELD_LIMITS.lastName),
    [`${prefix}Email`]: email,
    [`${prefix}Phone`]: phone,
  };
}

type ContactInput = Record<string, string | undefined>;

const given = (value: unknown) => blank(value) !== undefined;

/** A contact needs a first and last name and an e-mail or a phone; an entirely empty slot is no contact. */
function contactRules(raw: Record<string, unknown>, prefix: string): FormErrors {
  const has = (field: string) => given(raw[`${prefix}${field}`]);
  if (!['FirstName', 'LastName', 'Email', 'Phone'].some(has)) return {};
  const errors: FormErrors = {};
  for (const field of ['FirstName', 'LastName']) if (!has(field)) errors[`${prefix}${field}`] = E.contactName;
  if (!has('Email') && !has('Phone')) errors[`${prefix}Email`] = E.emailOrPhone;
  return errors;
}

function contactFrom(values: ContactInput, prefix: string) {
  const contact = without({
    firstName: values[`${prefix}FirstName`],
    lastName: values[`${prefix}LastName`],
    email: values[`${prefix}Email`],
    phoneNumber: values[`${prefix}Phone`],
  });
  return Object.keys(contact).length > 0 ? contact : undefined;
}

function parseAcceptInbox(raw: Record<string, unknown>, today: string): FormResult {
  const slots = Array.from({ length: ACCEPT_CONTACT_SLOTS }, (_, i) => `contact${i + 1}`);
  const schema = z.object({
    engagementName: requiredText(FIELD_LIMITS.engagementName),
    dealValue: amount,
    currency,
    closeDate: requiredDate({ notBefore: { date: today, error: E.dateInPast } }),
    notes: optionalText(FIELD_LIMITS.notes),
    crmId: optionalText(FIELD_LIMITS.crmId),
    ...Object.assign({}, ...slots.map(contactSchema)),
  });
  const rules = (input: Record<string, unknown>) => Object.assign({}, ...slots.map((slot) => contactRules(input, slot))) as FormErrors;
  return parseWith(
    schema,
    raw,
    (values) => {
      const v = values as Record<string, unknown> & {
        engagementName: string;
        dealValue: number;
        currency: string;
        closeDate: string;
        notes?: string;
        crmId?: string;
      };
      return {
        ok: true,
        command: {
          type: 'accept',
          fields: without({
            name: v.engagementName,
            dealValue: v.dealValue,
            currency: v.currency,
            closingDateTime: dateInputToIso(v.closeDate),
            notes: v.notes,
            externalReferenceId: v.crmId,
          }),
          contacts: slots.map((slot) => contactFrom(v as ContactInput, slot)).filter((c) => c !== undefined),
        },
      };
    },
    rules,
  );
}

function parseAcceptClassic(raw: Record<string, unknown>, today: string, referral: Referral | undefined): FormResult {
  const schema = z.object({
    dealValue: amount,
    closeDate: requiredDate({ notBefore: { date: today, error: E.dateInPast } }),
  });
  return parseWith(schema, raw, (v) => ({
    ok: true,
    command: {
      type: 'accept',
      fields: {
        dealValue: v.dealValue,
        currency: referral?.details.currency ?? FALLBACK_CURRENCY,
        closingDateTime: dateInputToIso(v.closeDate),
      },
      contacts: [],
    },
  }));
}

function parseClose(type: 'decline' | 'lost', raw: Record<string, unknown>): FormResult {
  const schema = z.object({ reason, notes: optionalText(FIELD_LIMITS.notes) });
  return parseWith(schema, raw, (v) => ({ ok: true, command: { type, reason: v.reason, ...(v.notes !== undefined && { notes: v.notes }) } }));
}

/** The Won form: the final deal value and the day it closed (not after today), then deal registration when eligible. */
function parseWon(raw: Record<string, unknown>, today: string, ctx: FormContext): FormResult {
  const finalSchema = z.object({ dealValue: amount, closeDate: requiredDate({ notAfter: { date: today, error: E.dateInFuture } }) });
  const eligible = !ctx.referral || isDealRegistrationEligible(ctx.referral, ctx.usdRates);
  const schema = z.object({
    ...finalSchema.shape,
    contractSignedDate: optionalDate({
      notAfter: { date: today, error: E.dateInFuture },
      notBefore: { date: earliestContractDate(today), error: E.contractTooOld },
    }),
    customerTenantId: tenantId,
    notes: optionalText(FIELD_LIMITS.notes),
  });
  // Not eligible: the registration inputs are not on the form, and whatever arrives for them is ignored.
  const inputs = eligible ? raw : { dealValue: raw['dealValue'], closeDate: raw['closeDate'] };
  return parseWith(schema, inputs, (v) => {
    const final = { dealValue: v.dealValue, closingDateTime: dateInputToIso(v.closeDate) };
    const dealRegistration = without({
      contractSignedDate: v.contractSignedDate === undefined ? undefined : dateInputToIso(v.contractSignedDate),
      customerTenantId: v.customerTenantId,
      notes: v.notes,
    });
    return { ok: true, command: { type: 'won', final, ...(Object.keys(dealRegistration).length > 0 && { dealRegistration }) } };
  });
}

function parseEditEngagement(raw: Record<string, unknown>, today: string, referral: Referral | undefined): FormResult {
  const currentDate = isoToDateInput(referral?.details.closingDateTime);
  const schema = z.object({
    engagementName: requiredText(FIELD_LIMITS.engagementName),
    closeDate: requiredDate({ notBefore: { date: today, error: E.dateInPast }, ...(currentDate !== undefined && { unchanged: currentDate }) }),
    dealValue: amount,
    currency,
    // Blank clears notes and the CRM ID (they are optional); '' marks "cleared" below. The form
    // always shows both, and Adaptive Card clients leave an emptied input out of the submission,
    // so a missing one means "cleared" too.
    notes: z.preprocess((value) => (value === undefined ? '' : typeof value === 'string' ? value.trim() : value), text(FIELD_LIMITS.notes)),
    crmId: z.preprocess((value) => (value === undefined ? '' : typeof value === 'string' ? value.trim() : value), text(FIELD_LIMITS.crmId)),
  });
  return parseWith(schema, raw, (v) => {
    const closingDateTime = dateInputToIso(v.closeDate);
    const proposed = {
      name: v.engagementName,
      dealValue: v.dealValue,
      currency: v.currency,
      closingDateTime,
      notes: v.notes,
      externalReferenceId: v.crmId,
    };
    if (!referral) return { ok: true, command: { type: 'editEngagement', changes: without(proposed) } };
    const current = {
      name: referral.name,
      dealValue: referral.details.dealValue,
      currency: referral.details.currency,
      closingDateTime: currentDate === undefined ? undefined : dateInputToIso(currentDate),
      notes: referral.details.notes ?? '',
      externalReferenceId: referral.externalReferenceId ?? '',
    };
    const changes: Record<string, unknown> = {};
    for (const key of Object.keys(proposed) as (keyof typeof proposed)[]) {
      const next = proposed[key];
      if (next !== undefined && next !== current[key]) changes[key] = next;
    }
    if (Object.keys(changes).length === 0) return { ok: false, errors: { [FORM_LEVEL]: E.nothingChanged } };
    return { ok: true, command: { type: 'editEngagement', changes } };
  });
}

function parseAddContact(raw: Record<string, unknown>): FormResult {
  const schema = z.object({
    firstName: requiredText(FIELD_LIMITS.firstName),
    lastName: requiredText(FIELD_LIMITS.lastName),
    email,
    phone,
  });
  const rules = (input: Record<string, unknown>): FormErrors => (given(input['email']) || given(input['phone']) ? {} : { email: E.emailOrPhone });
  return parseWith(
    schema,
    raw,
    (v) => ({
      ok: true,
      command: { type: 'addContact', contact: without({ firstName: v.firstName, lastName: v.lastName, email: v.email, phoneNumber: v.phone }) },
    }),
    rules,
  );
}

/**
 * Validates a form submission. `rawInputs` is the action's data as the client sent it: the
 * inputs merged with the ids (referralId, version, form…), which are ignored here like any other
 * unknown key. Returns the command payload (add `actor`, `asManager`), or an error key per input id
 * (FORM_LEVEL for the whole form).
 */
export function parseForm(form: FormName | string, rawInputs: Record<string, unknown>, context: FormContext): FormResult {
  const raw = rawInputs !== null && typeof rawInputs === 'object' && !Array.isArray(rawInputs) ? rawInputs : {};
  const today = todayIn(context.now, context.timeZone);
  switch (form) {
    case 'accept':
      return context.flow === 'classic' ? parseAcceptClassic(raw, today, context.referral) : parseAcceptInbox(raw, today);
    case 'decline':
    case 'lost':
      return parseClose(form, raw);
    case 'won':
      return parseWon(raw, today, context);
    case 'editEngagement':
      return parseEditEngagement(raw, today, context.referral);
    case 'addContact':
      return parseAddContact(raw);
    default:
      return { ok: false, errors: { [FORM_LEVEL]: E.unknownForm } };
  }
}
