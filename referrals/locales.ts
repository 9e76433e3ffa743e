// The languages the bot speaks: a setting stored per channel (storage/bot-state.ts) and the key of
// the catalogs in cards/locales/. Defined here so that the stored state and the cards agree.

export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
