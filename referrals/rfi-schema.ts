// Validation of an incoming RFI (a Partner Center referral resource): required fields, types,
// ISO codes, dates and e-mail addresses, every problem listed with its path. Unknown fields are
// kept, within a size and depth bound. Dates are normalized to UTC ISO 8601 so that later
// comparisons are plain.

import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { isDateOnly } from './calendar.js';
import type { Rfi } from './model.js';
import { isCleanText } from './clean-text.js';
import { referralIdProblem } from './referral-id.js';
import { unknownFieldsSize, valueDepth } from './unknown-fields.js';

export interface FieldProblem {
  path: string;
  message: string;
}

/** A Partner Center referral nests about six levels deep; far deeper is not one. */
export const RFI_MAX_DEPTH = 16;
/** Room for fields Partner Center adds later, as characters of compact JSON, summed over the whole RFI. */
export const UNKNOWN_FIELDS_MAX = 32 * 1024;

export type RfiValidation = { ok: true; rfi: Rfi } | { ok: false; problems: FieldProblem[] };

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** Date, or date-time with a zone (Z or ±hh:mm): a time without a zone would depend on the server's. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;

function typeError(expected: string) {
  return (issue: { input?: unknown }) => {
    if (issue.input === undefined) return 'is required';
    // JSON.parse turns 1e309 into Infinity: a number, just not one that can be kept.
    if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) return 'must be a finite number (this one is too large)';
    return `must be ${expected}`;
  };
}

const CLEAN = 'must not contain control characters (tab and line breaks are fine) or lone surrogates';

const text = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .max(max, { error: `must be at most ${max} characters`, abort: true })
    .refine(isCleanText, CLEAN);

const requiredText = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .trim()
    .min(1, 'must not be empty')
    .max(max, { error: `must be at most ${max} characters`, abort: true })
    .refine(isCleanText, CLEAN);

const isoDate = z
  .string({ error: typeError('an ISO 8601 date-time string') })
  .refine((value) => ISO_DATE.test(value) && isDateOnly(value.slice(0, 10)) && !Number.isNaN(Date.parse(value)), {
    message: 'must be an ISO 8601 date or date-time with a time zone, e.g. 2026-11-21T09:30:00Z',
  })
  .transform((value) => new Date(value).toISOString());

const email = z.email({ error: (issue) => (typeof issue.input === 'string' ? 'must be a valid e-mail address' : 'must be a string') });

const country = z
  .string({ error: typeError('an ISO 3166-1 alpha-2 country code') })
  .refine((value) => /^[A-Za-z]{2}$/.test(value) && countries.isValid(value.toUpperCase()), {
    message: 'must be an ISO 3166-1 alpha-2 country code, e.g. DE',
  })
  .transform((value) => value.toUpperCase());

const currency = z
  .string({ error: typeError('an ISO 4217 currency code') })
  .refine((value) => /^[A-Za-z]{3}$/.test(value) && CURRENCIES.has(value.toUpperCase()), {
    message: 'must be an ISO 4217 currency code, e.g. EUR',
  })
  .transform((value) => value.toUpperCase());

const SMALL_WORDS = new Set(['and', 'or', 'for', 'of', 'the', 'in', 'to', 'on', 'with']);

/** An id such as "Microsoft365" or "DeploymentOrMigration" in words: "Microsoft 365", "Deployment or Migration". */
export function readableId(id: string): string {
  const words = id
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .replace(/(\d)([A-Za-z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/\s+/);
  return words.map((word, index) => (index > 0 && SMALL_WORDS.has(word.toLowerCase()) ? word.toLowerCase() : word)).join(' ');
}

/** Partner Center sends requirement items as names, or as {id, name?} objects (its documented example has ids only); the bot shows the name, else the id in words. */
const requirementItem = z
  .looseObject({ id: text(200).optional(), name: text(200).optional() }, { error: typeError('a string or an object with an id or a name') })
  .refine((item) => item.name !== undefined || item.id !== undefined, { message: 'must have an id or a name' });
const requirementList = z
  .array(z.union([text(200), requirementItem]), { error: typeError('an array') })
  .max(100, 'must have at most 100 items')
  .transform((items) => items.map((item) => (typeof item === 'string' ? item : (item.name ?? readableId(item.id!)))));

/** A string in older referrals; Partner Center's documented resource has {locale, disableNotifications}. */
const contactPreference = z.union([
  text(50),
  z.looseObject({ locale: text(35).optional(), disableNotifications: z.boolean({ error: typeError('true or false') }).optional() }),
]);

const contact = z.looseObject({
  firstName: text(100).optional(),
  lastName: text(100).optional(),
  email: email.optional(),
  phoneNumber: text(50).optional(),
  contactPreference: contactPreference.optional(),
});

const rfiSchema = z.looseObject({
  // Leading and trailing spaces are a sender's slip and dropped; everything else wrong is refused with one reason.
  id: z
    .string({ error: typeError('a string') })
    .trim()
    .superRefine((value, context) => {
      const problem = referralIdProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
  engagementId: text(200).optional(),
  name: text(500).optional(),
  type: text(50).optional(),
  qualification: text(50).optional(),
  createdDateTime: isoDate.optional(),
  updatedDateTime: isoDate.optional(),
  expirationDateTime: isoDate.optional(),
  customerProfile: z.looseObject(
    {
      name: requiredText(500),
      size: text(100).optional(),
      address: z
        .looseObject(
          {
            addressLine1: text(500).optional(),
            city: text(200).optional(),
            state: text(200).optional(),
            postalCode: text(50).optional(),
            country: country.optional(),
            region: text(100).optional(),
          },
          { error: typeError('an object') },
        )
        .optional(),
      team: z
        .array(contact, { error: typeError('an array') })
        .max(50, 'must have at most 50 contacts')
        .optional(),
    },
    { error: typeError('an object') },
  ),
  consent: z.looseObject({ consentToContact: z.boolean({ error: typeError('true or false') }).optional() }, { error: typeError('an object') }).optional(),
  details: z
    .looseObject(
      {
        notes: text(10_000).optional(),
        dealValue: z
          .number({ error: typeError('a number') })
          .min(0, 'must be a number ≥ 0')
          .finite()
          .optional(),
        currency: currency.optional(),
        closingDateTime: isoDate.optional(),
        requirements: z
          .looseObject(
            {
              industries: requirementList.optional(),
              products: requirementList.optional(),
              services: requirementList.optional(),
              solutions: requirementList.optional(),
            },
            { error: typeError('an object') },
          )
          .optional(),
      },
      { error: typeError('an object') },
    )
    .optional(),
  externalReferenceId: text(100).optional(),
  callToAction: text(100).optional(),
  contactRequested: z.boolean({ error: typeError('true or false') }).optional(),
  team: z
    .array(contact, { error: typeError('an array') })
    .max(50, 'must have at most 50 contacts')
    .optional(),
});

function pathOf(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    return out === '' ? String(segment) : `${out}.${String(segment)}`;
  }, '');
}

/** Validates a parsed JSON body as an RFI. Lists every problem. */
export function validateRfi(body: unknown): RfiValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: [{ path: '', message: 'the body must be a JSON object (a Partner Center referral)' }] };
  }
  if (valueDepth(body, RFI_MAX_DEPTH) > RFI_MAX_DEPTH) {
    return { ok: false, problems: [{ path: '', message: `the referral nests objects and arrays deeper than ${RFI_MAX_DEPTH} levels` }] };
  }
  const parsed = rfiSchema.safeParse(body);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })) };
  const unknownSize = unknownFieldsSize(rfiSchema, body);
  if (unknownSize > UNKNOWN_FIELDS_MAX) {
    return {
      ok: false,
      problems: [{ path: '', message: `fields this version does not know take ${unknownSize} characters; at most ${UNKNOWN_FIELDS_MAX} are kept` }],
    };
  }
  return { ok: true, rfi: parsed.data as Rfi };
}
