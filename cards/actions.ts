// The card action data contract between the cards and the bot's `adaptiveCard/action` handler.
//
// Every button is an `Action.Execute` with a `verb` and `data` that carries ids only: which
// referral (`referralId`) and which version of it the card showed (`version`), plus which form
// (`form`) or which form-less command (`command`). Nothing else of the server's state travels in a
// card: state and permissions live on the server, and a click on an older version is detected by
// comparing `version`.
//
//   verb      data                                         meaning
//   open      { referralId, version, form }                show `form` as the actor's own view
//   submit    { referralId, version, form, ...inputs }     the form's inputs (merged in by the client)
//   do        { referralId, version, command }             a form-less command: interested | noThanks
//   cancel    { referralId, version }                      back to the current shared card
//   refresh   { referralId, version }                      card refresh (automatic or manual)
//   show      { referralId }                               post/return the current card of a referral
//   retry     { referralId, version }                      save the referral's parked Partner Center writes again
//   reassign  { referralId, version, reassignTo? }         give it to one person: a New pooled referral (managers, a pool member) or an
//                                                          Active deal (its owner or a manager: hand over to a channel member); without
//                                                          reassignTo the answer is the actor's view with the choice of people
//
// Input ids never use the reserved data keys (referralId, version, form, command).

import { isReferralId } from '../referrals/referral-id.js';
import type { CommandType, PersonCommandType } from '../referrals/commands.js';
import { isFormName, type FormName } from '../referrals/form-fields.js';
import { availableCommands } from '../referrals/lifecycle.js';
import { currentAssignee } from '../referrals/assignment.js';
import type { Referral } from '../referrals/model.js';
import { t, type Locale } from './i18n.js';

export const VERBS = ['open', 'submit', 'do', 'cancel', 'refresh', 'show', 'retry', 'reassign'] as const;
export type Verb = (typeof VERBS)[number];

/** Commands a button performs without a form (classic flow). */
export const DO_COMMANDS = ['interested', 'noThanks', 'pass'] as const;
export type DoCommand = (typeof DO_COMMANDS)[number];

/** Keys of `data` that belong to the contract; every other key of a submit is an input. */
export const RESERVED_DATA_KEYS = ['referralId', 'version', 'form', 'command'] as const;

export interface CardRef {
  referralId: string;
  /** The referral version the card shows (Referral.version). */
  version: number;
}
export type OpenData = CardRef & { form: FormName };
export type SubmitData = CardRef & { form: FormName };
export type DoData = CardRef & { command: DoCommand };
export type CancelData = CardRef;
export type RefreshData = CardRef;
export type RetryData = CardRef;
export interface ShowData {
  referralId: string;
}

export type ReassignData = CardRef;
/** The id of the reassign ChoiceSet: its value arrives in the action's data. */
export const REASSIGN_INPUT = 'reassignTo';

export type ActionData = OpenData | SubmitData | DoData | CancelData | RefreshData | ShowData | RetryData | ReassignData;

/** A card action as the bot receives it (after parseCardAction). */
export type CardAction =
  | { verb: 'open'; data: OpenData }
  | { verb: 'submit'; data: SubmitData; inputs: Record<string, unknown> }
  | { verb: 'do'; data: DoData }
  | { verb: 'cancel'; data: CancelData }
  | { verb: 'refresh'; data: RefreshData }
  | { verb: 'show'; data: ShowData }
  | { verb: 'retry'; data: RetryData }
  /** `to`: the person chosen; absent: the press that asks for the choice. */
  | { verb: 'reassign'; data: ReassignData; to?: string };

export type ActionStyle = 'default' | 'positive' | 'destructive';

/** An Action.Execute as it appears in a card. */
export interface ExecuteAction<D extends ActionData = ActionData> {
  type: 'Action.Execute';
  verb: Verb;
  title?: string;
  data: D;
  style?: ActionStyle;
  associatedInputs?: 'auto' | 'none';
}

// ---------------------------------------------------------------------------------------------
// Builders: the only way the cards make action data, so it cannot carry anything but ids.

export function cardRef(referral: { id: string; version: number }): CardRef {
  return { referralId: referral.id, version: referral.version };
}

export const openData = (ref: CardRef, form: FormName): OpenData => ({ referralId: ref.referralId, version: ref.version, form });
export const submitData = (ref: CardRef, form: FormName): SubmitData => ({ referralId: ref.referralId, version: ref.version, form });
export const doData = (ref: CardRef, command: DoCommand): DoData => ({ referralId: ref.referralId, version: ref.version, command });
export const cancelData = (ref: CardRef): CancelData => ({ referralId: ref.referralId, version: ref.version });
export const refreshData = (ref: CardRef): RefreshData => ({ referralId: ref.referralId, version: ref.version });
export const showData = (referralId: string): ShowData => ({ referralId });

function execute<D extends ActionData>(verb: Verb, title: string | undefined, data: D, style?: ActionStyle): ExecuteAction<D> {
  return { type: 'Action.Execute', verb, ...(title !== undefined && { title }), data, ...(style && style !== 'default' && { style }) };
}

export const openAction = (ref: CardRef, form: FormName, title: string, style?: ActionStyle) => execute('open', title, openData(ref, form), style);
export const submitAction = (ref: CardRef, form: FormName, title: string, style?: ActionStyle) => execute('submit', title, submitData(ref, form), style);
export const doAction = (ref: CardRef, command: DoCommand, title: string, style?: ActionStyle) => execute('do', title, doData(ref, command), style);
/** Cancel sends no inputs (associatedInputs: none), so it works even with invalid entries. */
export const cancelAction = (ref: CardRef, title: string): ExecuteAction<CancelData> => ({
  ...execute('cancel', title, cancelData(ref)),
  associatedInputs: 'none',
});
export const refreshAction = (ref: CardRef): ExecuteAction<RefreshData> => execute('refresh', undefined, refreshData(ref));
export const showAction = (referralId: string, title: string) => execute('show', title, showData(referralId));
export const retryAction = (ref: CardRef, title: string): ExecuteAction<RetryData> => execute('retry', title, refreshData(ref));
export const reassignAction = (ref: CardRef, title: string): ExecuteAction<ReassignData> => execute('reassign', title, refreshData(ref));

/** What a card button for a lifecycle command does: open a form, or run the command directly. */
export type ButtonTarget = { verb: 'open'; form: FormName } | { verb: 'do'; command: DoCommand } | { verb: 'reassign' };

/** The button of each person command the referral card offers (lifecycle.ts availableCommands). */
/** Reassign has no button of its own: the manager's view carries a choice of people (cards/view-models/referral.ts). */
export const COMMAND_BUTTONS: Readonly<Partial<Record<PersonCommandType, ButtonTarget>>> = {
  interested: { verb: 'do', command: 'interested' },
  noThanks: { verb: 'do', command: 'noThanks' },
  accept: { verb: 'open', form: 'accept' },
  decline: { verb: 'open', form: 'decline' },
  won: { verb: 'open', form: 'won' },
  lost: { verb: 'open', form: 'lost' },
  editEngagement: { verb: 'open', form: 'editEngagement' },
  addContact: { verb: 'open', form: 'addContact' },
  pass: { verb: 'do', command: 'pass' },
  // Hand over: the press shows the actor a choice of people; the second press, with one chosen, moves the deal.
  handOver: { verb: 'reassign' },
};

/** The lifecycle command a form submits (its FormCommand type). */
export const FORM_COMMAND: Readonly<Record<FormName, CommandType>> = {
  accept: 'accept',
  decline: 'decline',
  lost: 'lost',
  won: 'won',
  editEngagement: 'editEngagement',
  addContact: 'addContact',
};

// ---------------------------------------------------------------------------------------------
// Parsing an invoke: `activity.value.action` is { type, verb, data } and nothing in it is trusted.

export type ParsedAction = { ok: true; action: CardAction } | { ok: false; reason: 'unknownVerb' | 'badData'; verb?: string; referralId?: string };

function isVerb(value: unknown): value is Verb {
  return typeof value === 'string' && (VERBS as readonly string[]).includes(value);
}

function isDoCommand(value: unknown): value is DoCommand {
  return typeof value === 'string' && (DO_COMMANDS as readonly string[]).includes(value);
}

/**
 * Checks a received action against the contract. `submit` inputs are the data's other keys.
 * Forged or malformed data gives `badData` (with the referral id when it looked like one, so the
 * bot can answer with the current card), an unknown verb `unknownVerb`.
 */
export function parseCardAction(verb: unknown, data: unknown): ParsedAction {
  const record = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const rawId = record['referralId'];
  const referralId = isReferralId(rawId) ? rawId : undefined;
  const fail = (reason: 'unknownVerb' | 'badData'): ParsedAction => ({
    ok: false,
    reason,
    ...(typeof verb === 'string' && { verb: verb.slice(0, 100) }),
    ...(referralId !== undefined && { referralId }),
  });
  if (!isVerb(verb)) return fail('unknownVerb');
  if (referralId === undefined) return fail('badData');
  if (verb === 'show') return { ok: true, action: { verb, data: { referralId } } };

  const version = record['version'];
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return fail('badData');
  const ref: CardRef = { referralId, version };
  switch (verb) {
    case 'open':
      return isFormName(record['form']) ? { ok: true, action: { verb, data: openData(ref, record['form']) } } : fail('badData');
    case 'submit': {
      if (!isFormName(record['form'])) return fail('badData');
      // fromEntries defines own properties: a "__proto__" key (kept by a plain JSON.parse) cannot set a prototype that supplies inputs.
      const inputs: Record<string, unknown> = Object.fromEntries(
        Object.entries(record).filter(([key]) => key !== '__proto__' && !(RESERVED_DATA_KEYS as readonly string[]).includes(key)),
      );
      return { ok: true, action: { verb, data: submitData(ref, record['form']), inputs } };
    }
    case 'do':
      return isDoCommand(record['command']) ? { ok: true, action: { verb, data: doData(ref, record['command']) } } : fail('badData');
    case 'cancel':
      return { ok: true, action: { verb, data: cancelData(ref) } };
    case 'refresh':
      return { ok: true, action: { verb, data: refreshData(ref) } };
    case 'retry':
      return { ok: true, action: { verb, data: refreshData(ref) } };
    case 'reassign': {
      const to = record[REASSIGN_INPUT];
      if (to === undefined || to === '') return { ok: true, action: { verb, data: refreshData(ref) } };
      return typeof to === 'string' && to.length <= 200 ? { ok: true, action: { verb, data: refreshData(ref), to } } : fail('badData');
    }
  }
}

const BUTTON_STYLE: Partial<Record<PersonCommandType, ActionStyle>> = {
  pass: 'default',
  accept: 'positive',
  interested: 'positive',
  won: 'positive',
  decline: 'destructive',
  noThanks: 'destructive',
};

/**
 * The buttons of the card in the referral's state (titles in `locale`). Pass only in the view of
 * the person it is assigned to (`viewerId`): everyone else's card is the shared one.
 */
export function referralButtons(referral: Referral, locale: Locale, viewerId?: string): ExecuteAction[] {
  const ref = cardRef(referral);
  return availableCommands(referral).flatMap((command) => {
    if (command === 'takeIn') return [];
    if (command === 'pass' && (viewerId === undefined || currentAssignee(referral)?.id !== viewerId)) return [];
    const target = COMMAND_BUTTONS[command as PersonCommandType];
    if (!target) return [];
    const title = t(locale, `action.${command as PersonCommandType}`);
    const style = BUTTON_STYLE[command as PersonCommandType];
    if (target.verb === 'reassign') return [reassignAction(ref, title)];
    return [target.verb === 'open' ? openAction(ref, target.form, title, style) : doAction(ref, target.command, title, style)];
  });
}

/** The forms the referral's state offers (what an `open` or `submit` may name now). */
export function availableForms(referral: Referral): FormName[] {
  return availableCommands(referral).flatMap((command) => {
    const target = COMMAND_BUTTONS[command as PersonCommandType];
    return target?.verb === 'open' ? [target.form] : [];
  });
}

/** The form-less commands the referral's state offers (what a `do` may name now). */
export function availableDoCommands(referral: Referral): DoCommand[] {
  return availableCommands(referral).flatMap((command) => {
    const target = COMMAND_BUTTONS[command as PersonCommandType];
    return target?.verb === 'do' ? [target.command] : [];
  });
}
