// What a referral id may be: the one rule shared by intake (an RFI's `id`) and card actions (the
// `referralId` a card carries), so every referral taken in can be acted on from its card.

export const REFERRAL_ID_MAX_LENGTH = 200;

const CONTROL = /\p{Cc}/u;

export function isReferralId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() === value && value.length > 0 && value.length <= REFERRAL_ID_MAX_LENGTH && !CONTROL.test(value);
}
