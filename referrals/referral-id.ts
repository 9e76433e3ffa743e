// What a referral id may be: the one rule shared by intake (an RFI's `id`), card actions (the
// `referralId` a card carries) and the store, so every referral taken in can be acted on from its
// card, and two different ids can never land in one place on disk. An id is stored as UTF-8, so
// one that UTF-8 cannot hold faithfully (a lone surrogate) or that looks like another (invisible
// or unnormalised characters) is refused, not repaired (docs/architecture.md#hardening).

export const REFERRAL_ID_MAX_LENGTH = 200;

/** Controls (C0, DEL, C1), format characters (bidi overrides, zero-width), line and paragraph separators, private use. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}]/u;
const CONTROL = /\p{Cc}/u;
/** U+FFFD: a character already lost in some earlier decoding; U+FFFE/U+FFFF and U+FDD0–U+FDEF: noncharacters. */
const LOST = /[\uFFFD\uFFFE\uFFFF\uFDD0-\uFDEF]/u;

/** Why `value` is not a referral id, as a message for the caller; undefined when it is one. */
export function referralIdProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > REFERRAL_ID_MAX_LENGTH) return `must be at most ${REFERRAL_ID_MAX_LENGTH} characters`;
  if (!value.isWellFormed()) return 'must be well-formed Unicode (it holds a lone surrogate)';
  if (value.trim() !== value) return 'must not start or end with white space';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (UNSEEN.test(value)) return 'must not contain invisible characters (bidi overrides, zero-width or private-use characters)';
  if (LOST.test(value)) return 'must not contain U+FFFD or Unicode noncharacters';
  if (value.normalize('NFC') !== value) return 'must be in Unicode normalization form NFC';
  return undefined;
}

export function isReferralId(value: unknown): value is string {
  return typeof value === 'string' && referralIdProblem(value) === undefined;
}
