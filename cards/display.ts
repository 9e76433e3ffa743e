// How the bot shows moments and where its cards link: DISPLAY_TIME_ZONE and
// PARTNER_CENTER_REFERRAL_URL, read once by the config and passed to every view that needs them
// (docs/architecture.md#cards), never kept in module state.

export interface Display {
  /** The IANA zone every moment is written in, named on the card (the config checks it). */
  timeZone: string;
  /** "Open in Partner Center": a URL with `{id}` for the referral id; none: no link. */
  referralUrl?: string;
}

/** What a view shows when it is given no Display: UTC, no link. */
export const UTC_DISPLAY: Display = Object.freeze({ timeZone: 'UTC' });

/** The referral's page in Partner Center, when the display has a link template. */
export function referralLink(display: Display, referralId: string): string | undefined {
  return display.referralUrl?.replace('{id}', encodeURIComponent(referralId));
}
