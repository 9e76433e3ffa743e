// The cards package: what the bot wiring imports. Pure: no botbuilder, no I/O beyond loading the
// templates and strings once at module load.

export * from './actions.js';
export * from './display.js';
export * from './formatters.js';
export * from './i18n.js';
export * from './markdown.js';
export * from './render.js';
export {
  alreadyActedText,
  changedFields,
  describeChangesSince,
  describeEvents,
  eventPhrase,
  eventsSince,
  isMaterialChange,
  outcomeText,
  threadReplyText,
} from './view-models/events.js';
export { COMMON_CURRENCIES, currencyChoices, formCardData, formTemplateName, reasonChoices } from './view-models/forms.js';
export { deadlineText, digestCardData, DIGEST_SECTION_LIMIT, listCardData, statsCardData } from './view-models/manager-views.js';
export { describeFilters, HELP_COMMANDS, helpCardData, noticeCardData, routesCardData, welcomeCardData, type RouteFilters } from './view-models/messages.js';
export {
  closingEvent,
  interestedActor,
  MAX_REFRESH_USER_IDS,
  referralCardData,
  respondBy,
  type PartnerCenterView,
  type ReferralCardData,
  type TextColor,
  type ViewOptions,
} from './view-models/referral.js';
