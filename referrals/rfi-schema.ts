// Validation of an incoming RFI (a Partner Center referral resource): required fields, types,
// ISO codes, dates and e-mail addresses, every problem listed with its path. Unknown fields are
// kept, within a size and depth bound. Dates are normalized to UTC ISO 8601 so that later
// comparisons are plain.

import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { isDateOnly } from './calendar.js';
import type { Rfi, Tag } from './model.js';
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
/** The inviter's notes: a few lines in Partner Center's invite dialog; longer would crowd the card. */
export const INVITE_NOTES_MAX = 2_000;

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

/** Partner Center writes `null` for a field it has no value for (`"externalReferenceId": null`): the same as absent. */
function nullable<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

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

/**
 * Partner Center sends requirement items as {id, name?, type?} objects (its documented examples have
 * ids only); the intake API may send plain words. Both are kept as tags: the id and every other
 * field as sent, words as the name. Cards show the name, else the id in words (referrals/tags.ts).
 */
const requirementItem = z
  .looseObject(
    { id: nullable(text(200)), name: nullable(text(200)), type: nullable(text(100)) },
    { error: typeError('a string or an object with an id or a name') },
  )
  .refine((item) => item.name !== undefined || item.id !== undefined, { message: 'must have an id or a name' });
const requirementList = z
  .array(z.union([text(200), requirementItem]), { error: typeError('an array') })
  .max(100, 'must have at most 100 items')
  .transform((items): Tag[] => items.map((item) => (typeof item === 'string' ? { name: item } : (item as Tag))));

/** A string in older referrals; Partner Center's documented resource has {locale, disableNotifications}. */
const contactPreference = z.union([
  text(50),
  z.looseObject({ locale: text(35).optional(), disableNotifications: z.boolean({ error: typeError('true or false') }).optional() }),
]);

const contact = z.looseObject({
  firstName: nullable(text(100)),
  lastName: nullable(text(100)),
  email: nullable(email),
  phoneNumber: nullable(text(50)),
  contactPreference: nullable(contactPreference),
});

const contactList = z.array(contact, { error: typeError('an array') }).max(50, 'must have at most 50 contacts');

const flag = nullable(z.boolean({ error: typeError('true or false') }));

/** A value of one of Partner Center's lists (solution area, play, partner role…): kept as sent, shown in words. */
const listValue = nullable(text(200));

const rfiSchema = z.looseObject({
  // Leading and trailing spaces are a sender's slip and dropped; everything else wrong is refused with one reason.
  id: z
    .string({ error: typeError('a string') })
    .trim()
    .superRefine((value, context) => {
      const problem = referralIdProblem(value);
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
  engagementId: nullable(text(200)),
  name: nullable(text(500)),
  type: nullable(text(50)),
  qualification: nullable(text(50)),
  createdDateTime: nullable(isoDate),
  updatedDateTime: nullable(isoDate),
  expirationDateTime: nullable(isoDate),
  acceptedDateTime: nullable(isoDate),
  customerProfile: z.looseObject(
    {
      name: requiredText(500),
      size: nullable(text(100)),
      address: nullable(
        z.looseObject(
          {
            addressLine1: nullable(text(500)),
            city: nullable(text(200)),
            state: nullable(text(200)),
            postalCode: nullable(text(50)),
            country: nullable(country),
            region: nullable(text(100)),
          },
          { error: typeError('an object') },
        ),
      ),
      team: nullable(contactList),
    },
    { error: typeError('an object') },
  ),
  consent: nullable(
    z.looseObject(
      { consentToContact: flag, consentToToShareInfoWithOthers: flag, consentToShareReferralWithMicrosoftSellers: flag },
      { error: typeError('an object') },
    ),
  ),
  details: nullable(
    z.looseObject(
      {
        notes: nullable(text(10_000)),
        dealValue: nullable(
          z
            .number({ error: typeError('a number') })
            .min(0, 'must be a number ≥ 0')
            .finite(),
        ),
        currency: nullable(currency),
        closingDateTime: nullable(isoDate),
        requirements: nullable(
          z.looseObject(
            {
              industries: nullable(requirementList),
              products: nullable(requirementList),
              services: nullable(requirementList),
              solutions: nullable(requirementList),
            },
            { error: typeError('an object') },
          ),
        ),
      },
      { error: typeError('an object') },
    ),
  ),
  externalReferenceId: nullable(text(100)),
  callToAction: nullable(text(100)),
  contactRequested: flag,
  team: nullable(contactList),
  inviteContext: nullable(
    z.looseObject(
      {
        notes: nullable(text(INVITE_NOTES_MAX)),
        invitedBy: nullable(z.looseObject({ organizationId: nullable(text(200)), organizationName: nullable(text(200)) }, { error: typeError('an object') })),
      },
      { error: typeError('an object') },
    ),
  ),
  partnerRole: listValue,
  solutionArea: listValue,
  solutionPlay: listValue,
  referralSource: listValue,
  customerMarketplaceIntent: nullable(z.union([text(200), z.boolean()], { error: typeError('a string or true or false') })),
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
