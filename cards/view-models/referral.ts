// The referral card's view model: a referral's current state (and the reader's locale) → the data
// the `referral` template binds. Pure: `now` and the policy are passed in. Every outside string
// is markdown-escaped on its way in (cards/markdown.ts).

import { isCloseDatePassed, respondByOf } from '../../referrals/deadlines.js';
import type { ReferralEvent } from '../../referrals/events.js';
import type { Actor, Referral, RequirementList } from '../../referrals/model.js';
import { awaitsFirstAnswer, currentAssignee } from '../../referrals/assignment.js';
import type { Policy } from '../../referrals/policy.js';
import { responseTimeMs } from '../../referrals/stats.js';
import { showsCustomerContacts, showsUrgentMarker } from '../../referrals/visibility.js';
import { cardRef, REASSIGN_INPUT, reassignAction, referralButtons, refreshAction, retryAction, type ExecuteAction, type RefreshData } from '../actions.js';
import { companySize, contactLine, location, money, peopleLines, requirementNames, STATUS_ICON, statusText } from '../formatters.js';
import { escapeMarkdown, escapeOptional } from '../markdown.js';
import { CARD_LIMITS, clip } from '../card-budget.js';
import { coSellSection, type CoSellSection } from './co-sell.js';
import { relatedLine } from './related.js';
import { formatDateTime, formatDate, formatDuration, t, type Locale, type MessageKey } from '../i18n.js';
import { referralLink, UTC_DISPLAY, type Display } from '../display.js';

export type TextColor = 'default' | 'accent' | 'good' | 'warning' | 'attention';

export interface ViewOptions {
  locale: Locale;
  now: Date;
  policy: Policy;
  /** The time zone and the Partner Center link (default UTC_DISPLAY). */
  display?: Display;
}

export interface ReferralCardOptions extends ViewOptions {
  /** Users whose view Teams refreshes automatically (at most 60; more are cut off, duplicates dropped). */
  refreshUserIds?: readonly string[];
  /** Whether the card carries a refresh action at all. Default: while the referral is open. */
  refresh?: boolean;
  /** A line at the top of this view: why the actor sees it ("this card was out of date: …"). */
  notice?: string;
  noticeColor?: TextColor;
  /** What this viewer is told of the referral's Partner Center writes (the owner and managers only). */
  partnerCenter?: PartnerCenterView;
  /** The card is posted in the thread of its engagement's first referral (bot/outbox/planner.ts). */
  inFirstThread?: boolean;
  /** Whose view this is (AAD object id): the assignee's view offers Pass. */
  viewerId?: string;
  /** A manager's view of a pooled referral: the people it may be reassigned to. */
  reassignTo?: readonly { id: string; name: string }[];
  /** The owner's or a manager's view of an Active deal after pressing Hand over: the channel's members. */
  handOverTo?: readonly { id: string; name: string }[];
}

export interface PartnerCenterView {
  /** Why a write was parked ("not saved in Partner Center: …"), in Partner Center's words. */
  notSaved?: string;
  /** Writes still on their way. */
  waiting: number;
}

/** Teams' limit on `refresh.userIds`. */
export const MAX_REFRESH_USER_IDS = 60;

export interface Fact {
  title: string;
  value: string;
}
export interface Line {
  text: string;
  color: TextColor;
}

export interface ReferralCardData {
  notice: { show: boolean; text: string; color: TextColor };
  urgent: { show: boolean; text: string; style: 'attention' | 'warning' };
  title: string;
  status: { text: string; color: TextColor };
  hint: { show: boolean; text: string };
  customer: { heading: string; facts: Fact[] };
  needs: { show: boolean; heading: string; notes: string; showNotes: boolean; facts: Fact[] };
  coSell: CoSellSection;
  related: { show: boolean; text: string };
  times: Line[];
  contacts: { show: boolean; heading: string; lines: Line[]; note: string; showNote: boolean };
  deal: { show: boolean; heading: string; facts: Fact[] };
  team: { show: boolean; heading: string; lines: Line[] };
  outcome: { show: boolean; heading: string; text: string; facts: Fact[]; lines: Line[] };
  actions: ExecuteAction[];
  hasActions: boolean;
  moreActions: ExecuteAction[];
  hasMoreActions: boolean;
  partnerCenter: { show: boolean; text: string; color: TextColor };
  link: { show: boolean; title: string; url: string };
  footer: string;
  refresh: { action: ExecuteAction<RefreshData>; userIds: string[] | null } | null;
  reassign: { show: boolean; label: string; placeholder: string; inputId: string; choices: { title: string; value: string }[]; actions: ExecuteAction[] };
}

// ---------------------------------------------------------------------------------------------
// Questions about the history (exported: the bot and the tests ask them too)

/** The event that closed the referral (declined, skipped, won, lost, expired), if closed. */
export function closingEvent(referral: Referral): ReferralEvent | undefined {
  if (referral.status !== 'Closed') return undefined;
  for (let i = referral.history.length - 1; i >= 0; i--) {
    const event = referral.history[i];
    if (event && ['declined', 'skipped', 'won', 'lost', 'expired'].includes(event.type)) return event;
    if (event?.type === 'changedInPartnerCenter' && event.status === 'Closed') return event;
  }
  return undefined;
}

/** The person who said "I'm interested" (classic flow), if anyone did. */
export function interestedActor(referral: Referral): Actor | undefined {
  const event = referral.history.find((e) => e.type === 'interested');
  return event?.actor;
}

/** When the recommended response time runs out: created + respondWithin. */
export function respondBy(referral: Pick<Referral, 'createdDateTime'>, policy: Policy): string {
  return respondByOf(referral, policy);
}

function fact(title: string, value: string | undefined): Fact | undefined {
  return value === undefined || value.trim() === '' ? undefined : { title, value };
}
const facts = (...items: (Fact | undefined)[]): Fact[] => items.filter((item): item is Fact => item !== undefined);

function timeLine(locale: Locale, timeZone: string, label: MessageKey, iso: string, overdue = false): Line {
  const text = `**${t(locale, label)}:** ${formatDateTime(locale, iso, timeZone)}${overdue ? ` ${t(locale, 'card.overdue')}` : ''}`;
  return { text, color: overdue ? 'attention' : 'default' };
}

// Not 'good': Teams' light green on white is hard to read; the emoji carries the cheer.
const STATUS_COLOR: Record<Referral['substatus'], TextColor> = {
  Pending: 'accent',
  Received: 'accent',
  Accepted: 'default',
  Won: 'default',
  Lost: 'warning',
  Declined: 'default',
  Expired: 'default',
  Skipped: 'default',
};

function refreshUserIds(ids: readonly string[] | undefined): string[] | null {
  if (!ids || ids.length === 0) return null;
  return [...new Set(ids.filter((id) => typeof id === 'string' && id !== ''))].slice(0, MAX_REFRESH_USER_IDS);
}

// ---------------------------------------------------------------------------------------------

export function referralCardData(referral: Referral, options: ReferralCardOptions): ReferralCardData {
  const { locale, now, policy, display = UTC_DISPLAY } = options;
  const { timeZone } = display;
  const link = referralLink(display, referral.id);
  const open = referral.status !== 'Closed';

  // Urgent marker
  const urgentShown = showsUrgentMarker(referral);
  const urgent = {
    show: urgentShown,
    text: referral.urgencyChangedAt ? t(locale, 'card.urgentChanged', { duration: formatDuration(locale, policy.urgentForMs) }) : t(locale, 'card.urgent'),
    style: (referral.urgencyChangedAt ? 'warning' : 'attention') as 'attention' | 'warning',
  };

  // Hint
  let hint = '';
  if (referral.status === 'New' && referral.substatus === 'Pending') {
    hint =
      referral.flow === 'inbox'
        ? t(locale, 'card.hint.pendingInbox', { duration: formatDuration(locale, policy.respondWithinMs) })
        : t(locale, 'card.hint.pendingClassic', { duration: formatDuration(locale, policy.skipAfterMs) });
  } else if (referral.substatus === 'Received') {
    hint = t(locale, 'card.hint.received');
  } else if (referral.status === 'Active') {
    hint = t(locale, 'card.hint.active');
  }

  // Customer and needs
  const customerFacts = facts(
    fact(t(locale, 'card.customer'), escapeMarkdown(referral.customerProfile.name)),
    fact(t(locale, 'card.companySize'), companySize(locale, referral.customerProfile.size)),
    fact(t(locale, 'card.location'), location(locale, referral)),
  );
  const listOf = (list: RequirementList) => {
    const names = requirementNames(locale, referral, list);
    return names.length > 0 ? names.join(', ') : undefined;
  };
  // The customer's own estimate, shown while nobody has accepted: after that the deal section has the seller's figures.
  const estimate = referral.status === 'New';
  const estimatedClose = referral.details.closingDateTime;
  const needFacts = facts(
    estimate ? fact(t(locale, 'card.dealValue'), money(locale, referral)) : undefined,
    estimate && estimatedClose !== undefined ? fact(t(locale, 'card.closeDate'), formatDate(locale, estimatedClose)) : undefined,
    fact(t(locale, 'card.products'), listOf('products')),
    fact(t(locale, 'card.solutions'), listOf('solutions')),
    fact(t(locale, 'card.services'), listOf('services')),
    fact(t(locale, 'card.industries'), listOf('industries')),
  );
  const notes = typeof referral.details.notes === 'string' ? escapeMarkdown(clip(referral.details.notes.trim(), CARD_LIMITS.notes)) : '';

  // Times
  const times: Line[] = [timeLine(locale, timeZone, 'card.received', referral.createdDateTime)];
  if (referral.status === 'New' && referral.substatus === 'Pending') {
    const by = respondBy(referral, policy);
    if (Date.parse(by) < Date.parse(referral.expirationDateTime)) times.push(timeLine(locale, timeZone, 'card.respondBy', by, Date.parse(by) < now.getTime()));
    times.push(timeLine(locale, timeZone, referral.flow === 'classic' ? 'card.skippedAfter' : 'card.expires', referral.expirationDateTime));
  } else if (referral.substatus === 'Received') {
    times.push(timeLine(locale, timeZone, 'card.decideBy', referral.expirationDateTime));
  } else if (referral.status === 'Active' && referral.acceptedDateTime) {
    times.push(timeLine(locale, timeZone, 'card.acceptedAt', referral.acceptedDateTime));
  }
  const assignee = currentAssignee(referral);
  const answerBy = referral.assignment?.answerBy;
  if (assignee && answerBy) {
    const late = Date.parse(answerBy) < now.getTime();
    const text = t(locale, 'card.assigned', { name: escapeMarkdown(assignee.name), time: formatDateTime(locale, answerBy, timeZone) });
    times.splice(1, 0, { text: late ? `${text} ${t(locale, 'card.overdue')}` : text, color: late ? 'attention' : 'accent' });
  }

  // Customer contacts
  const contactsShown = showsCustomerContacts(referral);
  const customerTeam = Array.isArray(referral.customerProfile.team) ? referral.customerProfile.team : [];
  const contactLines: Line[] = contactsShown ? peopleLines(locale, customerTeam).map((text) => ({ text, color: 'default' as TextColor })) : [];
  let contactNote = '';
  if (!contactsShown) contactNote = referral.status === 'Closed' ? t(locale, 'card.contactsHidden') : t(locale, 'card.contactsAfterInterest');
  else if (contactLines.length === 0) contactNote = t(locale, 'card.contactsNone');
  else if (referral.consent?.consentToContact === false) contactNote = t(locale, 'card.noConsent');

  // Deal (Active, and kept on Won/Lost)
  const dealShown = referral.status === 'Active' || referral.substatus === 'Won' || referral.substatus === 'Lost' || referral.substatus === 'Received';
  const closing = referral.details.closingDateTime;
  const closeDate =
    closing === undefined
      ? undefined
      : referral.status === 'Active' && isCloseDatePassed(closing, now)
        ? t(locale, 'card.closeDatePassed', { date: formatDate(locale, closing) })
        : formatDate(locale, closing);
  const interested = interestedActor(referral);
  const won = referral.substatus === 'Won';
  const dealFacts = facts(
    referral.substatus === 'Received' && interested ? fact(t(locale, 'card.interestedFact'), escapeMarkdown(interested.name)) : undefined,
    fact(t(locale, 'card.owner'), escapeOptional(referral.owner?.name)),
    referral.status !== 'New' ? fact(t(locale, 'card.engagement'), escapeMarkdown(referral.name)) : undefined,
    // Won: the final figures the seller confirmed, named as such.
    referral.status !== 'New' ? fact(t(locale, won ? 'card.wonValue' : 'card.dealValue'), money(locale, referral)) : undefined,
    referral.status !== 'New' ? fact(t(locale, won ? 'card.wonDate' : 'card.closeDate'), closeDate) : undefined,
    fact(t(locale, 'card.crmId'), escapeOptional(referral.externalReferenceId)),
  );

  // Our team (partner contacts added on Accept / Add contact)
  const teamShown = referral.status === 'Active' || referral.substatus === 'Won' || referral.substatus === 'Lost';
  const teamLines: Line[] = teamShown
    ? referral.team
        .map((contact) => contactLine(locale, contact))
        .filter((text) => text !== '')
        .map((text) => ({ text, color: 'default' as TextColor }))
    : [];

  // Outcome (Closed)
  const closedBy = closingEvent(referral);
  const outcomeFacts: Fact[] = [];
  const outcomeLines: Line[] = [];
  if (!open) {
    if (referral.statusReason) outcomeFacts.push({ title: t(locale, 'card.reason'), value: t(locale, `reason.${referral.statusReason}`) });
    if (referral.statusReasonNotes) outcomeFacts.push({ title: t(locale, 'card.reasonNotes'), value: escapeMarkdown(referral.statusReasonNotes) });
    outcomeFacts.push({
      title: t(locale, 'card.closedBy'),
      value: closedBy?.actor
        ? escapeMarkdown(closedBy.actor.name)
        : t(locale, closedBy?.type === 'changedInPartnerCenter' ? 'card.closedInPartnerCenter' : 'card.closedAutomatically'),
    });
    // Response time: sent by the customer (createdDateTime) → first person action (referrals/stats.ts responseTimeMs).
    const response = responseTimeMs(referral);
    outcomeFacts.push({
      title: t(locale, 'card.responseTime'),
      value: response === undefined ? t(locale, 'card.noResponse') : formatDuration(locale, response),
    });
    const registration = referral.dealRegistration;
    if (registration) {
      const reg = facts(
        registration.contractSignedDate ? fact(t(locale, 'card.contractSigned'), formatDate(locale, registration.contractSignedDate)) : undefined,
        fact(t(locale, 'card.customerTenantId'), escapeOptional(registration.customerTenantId)),
        fact(`${t(locale, 'card.dealRegistration')}: ${t(locale, 'card.notes')}`, escapeOptional(registration.notes)),
      );
      outcomeFacts.push(...reg);
    }
    if (referral.closedDateTime) outcomeLines.push(timeLine(locale, timeZone, 'card.closedAt', referral.closedDateTime));
  }

  const pc = options.partnerCenter;
  // Teams shows at most five actions in a set: Hand over gets a set of its own, under the others.
  const buttons = open ? referralButtons(referral, locale, options.viewerId) : [];
  const actions = buttons.filter((button) => button.verb !== 'reassign');
  const handingOverNow = referral.status === 'Active' && (options.handOverTo?.length ?? 0) > 0;
  const moreActions = handingOverNow ? [] : buttons.filter((button) => button.verb === 'reassign');
  if (pc?.notSaved !== undefined) actions.push(retryAction(cardRef(referral), t(locale, 'action.retryPartnerCenter')));
  const pcText =
    pc?.notSaved !== undefined
      ? t(locale, 'partnerCenter.notSaved', { reason: escapeMarkdown(pc.notSaved) })
      : pc && pc.waiting > 0
        ? t(locale, 'partnerCenter.waiting', { count: pc.waiting })
        : '';
  const handingOver = referral.status === 'Active' && (options.handOverTo?.length ?? 0) > 0;
  const reassignChoices = handingOver ? options.handOverTo! : referral.assignment ? (options.reassignTo ?? []) : [];
  const reassign = {
    show: open && (handingOver || awaitsFirstAnswer(referral)) && reassignChoices.length > 0,
    label: t(locale, handingOver ? 'card.handOverTo' : 'card.reassignTo'),
    placeholder: t(locale, 'card.reassignPlaceholder'),
    inputId: REASSIGN_INPUT,
    // Plain text in a ChoiceSet: no markdown is rendered there, so names are shown as written.
    choices: reassignChoices.map((person) => ({ title: person.name, value: person.id })),
    actions: [reassignAction(cardRef(referral), t(locale, handingOver ? 'action.handOver' : 'action.reassign'))],
  };
  const wantsRefresh = options.refresh ?? open;
  const userIds = refreshUserIds(options.refreshUserIds);

  return {
    notice: { show: options.notice !== undefined && options.notice !== '', text: options.notice ?? '', color: options.noticeColor ?? 'accent' },
    urgent,
    title:
      referral.status === 'New' && referral.substatus === 'Pending'
        ? t(locale, 'card.title', { name: escapeMarkdown(referral.name) })
        : escapeMarkdown(referral.name),
    status: { text: `${STATUS_ICON[referral.substatus]} ${statusText(locale, referral)}`, color: STATUS_COLOR[referral.substatus] },
    hint: { show: hint !== '', text: hint },
    customer: { heading: t(locale, 'card.customer'), facts: customerFacts },
    coSell: coSellSection(referral, locale),
    related: relatedLine(referral, locale, options.inFirstThread === true),
    needs: { show: notes !== '' || needFacts.length > 0, heading: t(locale, 'card.needs'), notes, showNotes: notes !== '', facts: needFacts },
    times,
    contacts: {
      show: contactLines.length > 0 || contactNote !== '',
      heading: t(locale, 'card.contacts'),
      lines: contactLines,
      note: contactNote,
      showNote: contactNote !== '',
    },
    deal: {
      show: dealShown && dealFacts.length > 0,
      heading: t(locale, referral.substatus === 'Received' ? 'card.interested' : 'card.deal'),
      facts: dealFacts,
    },
    team: { show: teamLines.length > 0, heading: t(locale, 'card.team'), lines: teamLines },
    outcome: {
      show: !open,
      heading: t(locale, 'card.outcome'),
      text: open ? '' : t(locale, `card.summary.${referral.substatus as 'Won' | 'Lost' | 'Declined' | 'Expired' | 'Skipped'}`),
      facts: outcomeFacts,
      lines: outcomeLines,
    },
    actions,
    hasActions: actions.length > 0,
    moreActions,
    hasMoreActions: moreActions.length > 0,
    partnerCenter: { show: pcText !== '', text: pcText, color: pc?.notSaved !== undefined ? 'attention' : 'default' },
    link: {
      show: link !== undefined,
      title: t(locale, 'action.openInPartnerCenter'),
      url: link ?? '',
    },
    footer: t(locale, 'card.referralId', { id: escapeMarkdown(referral.id) }),
    refresh: wantsRefresh ? { action: refreshAction(cardRef(referral)), userIds } : null,
    reassign,
  };
}
