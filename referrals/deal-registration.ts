// Deal registration after Won: who is eligible and the window after contract signature.

import { addDays } from './calendar.js';
import { FALLBACK_CURRENCY } from './form-fields.js';
import type { Referral } from './model.js';

/** Deal registration: deals under this value (USD) are not eligible (docs/architecture.md#the-workflow). */
export const DEAL_REGISTRATION_MIN_USD = 25_000;
/** Deal registration must happen within this many days of contract signature. */
export const DEAL_REGISTRATION_WITHIN_DAYS = 60;

/** The earliest contract signature date a registration may still name, seen from `today` (YYYY-MM-DD). */
export function earliestContractDate(today: string): string {
  return addDays(today, -DEAL_REGISTRATION_WITHIN_DAYS);
}

export interface Eligibility {
  eligible: boolean;
  /** Why not, when not. */
  reason?: 'belowThreshold';
  /** The deal value in USD, when it could be worked out. */
  valueUsd?: number;
}

/**
 * Deal registration eligibility after Won (co-sell deals under USD 25,000 are not eligible;
 * docs/architecture.md#the-workflow). A deal whose value cannot be put in USD (no value, or a currency without a rate in
 * `usdRates`) counts as eligible: the registration details are optional, and asking is safer than
 * silently skipping a deal that qualifies.
 */
export function dealRegistrationEligibility(referral: Pick<Referral, 'details'>, usdRates: Readonly<Record<string, number>> = {}): Eligibility {
  const value = referral.details.dealValue;
  const currency = referral.details.currency ?? FALLBACK_CURRENCY;
  if (value === undefined || !Number.isFinite(value)) return { eligible: true };
  const rate = currency === 'USD' ? 1 : usdRates[currency];
  if (rate === undefined || !(rate > 0)) return { eligible: true };
  const valueUsd = value / rate;
  return valueUsd < DEAL_REGISTRATION_MIN_USD ? { eligible: false, reason: 'belowThreshold', valueUsd } : { eligible: true, valueUsd };
}

export function isDealRegistrationEligible(referral: Pick<Referral, 'details'>, usdRates?: Readonly<Record<string, number>>): boolean {
  return dealRegistrationEligibility(referral, usdRates).eligible;
}
