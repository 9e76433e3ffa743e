// Card actions (`adaptiveCard/action` invokes): open a form as the actor's own view, submit it
// through the lifecycle core, cancel, refresh, show. Every answer is a valid invoke response —
// a card, a short message, or an error body — also for unknown verbs, unknown referrals, forged
// data and stale cards. The shared card changes for everyone through the outbox, never here.
// An action is answered only where `show` would show the referral (referrals/permissions.ts):
// a referral id typed into an action from another channel or chat is "not found", like `show`.

import {
  alreadyActedText,
  availableDoCommands,
  availableForms,
  describeEvents,
  escapeMarkdown,
  parseCardAction,
  renderForm,
  renderReferralCard,
  t,
  type AdaptiveCardJson,
  type Locale,
  type PartnerCenterView,
} from '../../cards/index.js';
import type { Command } from '../../referrals/commands.js';
import { type FormName } from '../../referrals/form-fields.js';
import { parseForm } from '../../referrals/forms.js';
import type { Actor, Referral } from '../../referrals/model.js';
import { mayAct, mayView, type Viewer } from '../../referrals/permissions.js';
import { conflictingChangesSince } from '../../referrals/staleness.js';
import type { ReferralRecord } from '../../storage/store.js';
import { applyCommand, type CommandDeps, type CommandResult } from '../use-cases/apply-command.js';

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const MESSAGE_CONTENT_TYPE = 'application/vnd.microsoft.activity.message';
export const ERROR_CONTENT_TYPE = 'application/vnd.microsoft.error';

export type InvokeAnswer =
  | { statusCode: 200; type: typeof CARD_CONTENT_TYPE; value: AdaptiveCardJson }
  | { statusCode: 200; type: typeof MESSAGE_CONTENT_TYPE; value: string }
  | { statusCode: 400 | 404 | 500; type: typeof ERROR_CONTENT_TYPE; value: { code: string; message: string } };

export interface ActionContext {
  actor: Actor;
  isManager: boolean;
  /** Where the action came from (the conversation of the invoke) and who sent it. */
  viewer: Viewer;
  locale: Locale;
  /** The actor's IANA time zone (Teams sends it), for "today" in date checks. */
  timeZone?: string;
}

export interface CardActionDeps {
  commands: CommandDeps;
  /** Puts a referral's parked Partner Center writes back in line; returns how many (absent: connection off). */
  retryPartnerCenter?: (referralId: string) => Promise<number>;
  /** The assignee's Pass: picks the next person of the pool and applies the move (bot/use-cases/assignment.ts). */
  pass?: (record: ReferralRecord, actor: Actor, version: number) => Promise<CommandResult>;
  /** A manager's Reassign: the pool members it may go to, and the move (undefined: `to` is not in the pool). */
  reassignChoices?: (record: ReferralRecord) => { id: string; name: string }[];
  reassign?: (record: ReferralRecord, actor: Actor, to: string, version: number) => Promise<CommandResult | undefined>;
  /** Hand over: the channel's members as Teams lists them (the owner left out), and the move (undefined: `to` is none of them). */
  handOverChoices?: (record: ReferralRecord) => Promise<{ id: string; name: string }[]>;
  handOver?: (record: ReferralRecord, actor: Actor, asManager: boolean, to: string, version: number) => Promise<CommandResult | undefined>;
}

function cardAnswer(card: AdaptiveCardJson): InvokeAnswer {
  return { statusCode: 200, type: CARD_CONTENT_TYPE, value: card };
}

function messageAnswer(text: string): InvokeAnswer {
  return { statusCode: 200, type: MESSAGE_CONTENT_TYPE, value: text };
}

export function errorAnswer(statusCode: 400 | 404 | 500, code: string, message: string): InvokeAnswer {
  return { statusCode, type: ERROR_CONTENT_TYPE, value: { code, message } };
}

/** What the owner and managers see of the referral's Partner Center writes; nothing for anyone else. */
function partnerCenterView(record: ReferralRecord, context: ActionContext): PartnerCenterView | undefined {
  const writes = record.partnerCenter?.writes ?? [];
  if (writes.length === 0 || !mayAct(record.referral, context.actor.id, context.isManager)) return undefined;
  const parked = writes.find((write) => write.state === 'failed');
  return { waiting: writes.length, ...(parked && { notSaved: parked.lastError ?? '—' }) };
}

function sharedCard(
  deps: CardActionDeps,
  record: ReferralRecord,
  context: ActionContext,
  notice?: string,
  attention = false,
  handOverTo?: readonly { id: string; name: string }[],
): InvokeAnswer {
  const partnerCenter = partnerCenterView(record, context);
  return cardAnswer(
    renderReferralCard(record.referral, {
      locale: context.locale,
      now: deps.commands.clock(),
      policy: deps.commands.policy,
      display: deps.commands.display,
      ...(notice !== undefined && { notice, noticeColor: attention ? 'attention' : 'accent' }),
      ...(partnerCenter && { partnerCenter, refresh: true }),
      viewerId: context.actor.id,
      ...(context.viewer.scope === 'channel' && record.card?.thread !== undefined && { inFirstThread: true }),
      ...(context.isManager && deps.reassignChoices && { reassignTo: deps.reassignChoices(record) }),
      ...(handOverTo && { handOverTo }),
    }),
  );
}

function ownerOnly(deps: CardActionDeps, record: ReferralRecord, context: ActionContext): InvokeAnswer {
  const referral = record.referral;
  return sharedCard(
    deps,
    record,
    context,
    t(context.locale, 'command.onlyOwnerOrManager', { owner: referral.owner ? escapeMarkdown(referral.owner.name) : '—' }),
    true,
  );
}

/** The answer after a command was tried: the new card, or the current one with why nothing changed. */
async function runCommand(deps: CardActionDeps, record: ReferralRecord, command: Command, version: number, context: ActionContext): Promise<InvokeAnswer> {
  return answerAfter(deps, record, await applyCommand(deps.commands, record.referral.id, command, { expectedVersion: version }), context);
}

function answerAfter(deps: CardActionDeps, record: ReferralRecord, result: CommandResult, context: ActionContext): InvokeAnswer {
  if (result.ok) return sharedCard(deps, result.record, context);
  const latest = result.record ?? record;
  const current = latest.referral;
  switch (result.error.code) {
    case 'Stale':
      return sharedCard(deps, latest, context, staleNotice(current, result.staleSince ?? [], context.locale), true);
    case 'NotOwner':
      return ownerOnly(deps, latest, context);
    case 'NotAssignee':
      return sharedCard(deps, latest, context, t(context.locale, 'command.notAssignee'), true);
    default:
      return sharedCard(deps, latest, context, alreadyActedText(context.locale, current), true);
  }
}

function staleNotice(referral: Referral, since: Parameters<typeof describeEvents>[1], locale: Locale): string {
  const actedBy = since.some((event) => event.actor !== undefined);
  return actedBy && referral.status !== 'New' ? alreadyActedText(locale, referral) : t(locale, 'command.staleCard', { what: describeEvents(locale, since) });
}

export async function handleCardAction(deps: CardActionDeps, verb: unknown, data: unknown, context: ActionContext): Promise<InvokeAnswer> {
  const parsed = parseCardAction(verb, data);
  const store = deps.commands.store;
  if (!parsed.ok) {
    const record = parsed.referralId !== undefined ? await store.get(parsed.referralId) : undefined;
    if (record && visibleHere(record, context)) return sharedCard(deps, record, context, t(context.locale, 'command.unknownAction'), true);
    return errorAnswer(400, parsed.reason === 'unknownVerb' ? 'UnknownVerb' : 'BadRequest', t(context.locale, 'command.unknownAction'));
  }
  const { action } = parsed;
  const record = await store.get(action.data.referralId);
  if (!record || !visibleHere(record, context)) return messageAnswer(t(context.locale, 'command.referralNotFound', { id: action.data.referralId }));
  const referral = record.referral;

  switch (action.verb) {
    case 'show':
    case 'cancel':
    case 'refresh':
      return sharedCard(deps, record, context);
    case 'retry': {
      if (!mayAct(referral, context.actor.id, context.isManager)) return ownerOnly(deps, record, context);
      const count = deps.retryPartnerCenter ? await deps.retryPartnerCenter(referral.id) : 0;
      const latest = (await store.get(referral.id)) ?? record;
      const notice = t(context.locale, count > 0 ? 'partnerCenter.retried' : 'partnerCenter.nothingToRetry', { count });
      return sharedCard(deps, latest, context, notice);
    }
    case 'reassign': {
      if (referral.status === 'Active') return handOver(deps, record, action.to, action.data.version, context);
      if (!context.isManager) return sharedCard(deps, record, context, t(context.locale, 'command.reassignManagersOnly'), true);
      // Without a choice: the manager's view, which carries the pool's ChoiceSet.
      if (action.to === undefined) return sharedCard(deps, record, context);
      const result = deps.reassign ? await deps.reassign(record, context.actor, action.to, action.data.version) : undefined;
      if (!result) return sharedCard(deps, record, context, t(context.locale, 'command.reassignNotInPool'), true);
      return answerAfter(deps, record, result, context);
    }
    case 'open': {
      const stale = conflictingChangesSince(referral, action.data.version);
      if (stale.length > 0) return sharedCard(deps, record, context, staleNotice(referral, stale, context.locale), true);
      if (!availableForms(referral).includes(action.data.form)) return sharedCard(deps, record, context, alreadyActedText(context.locale, referral), true);
      if (!mayAct(referral, context.actor.id, context.isManager)) return ownerOnly(deps, record, context);
      return cardAnswer(renderForm(action.data.form, referral, formOptions(deps, context)));
    }
    case 'do': {
      if (!availableDoCommands(referral).includes(action.data.command)) {
        return sharedCard(deps, record, context, alreadyActedText(context.locale, referral), true);
      }
      if (action.data.command === 'pass') {
        if (!deps.pass) return sharedCard(deps, record, context, alreadyActedText(context.locale, referral), true);
        return answerAfter(deps, record, await deps.pass(record, context.actor, action.data.version), context);
      }
      const command: Command = { type: action.data.command, actor: context.actor, asManager: context.isManager };
      return runCommand(deps, record, command, action.data.version, context);
    }
    case 'submit': {
      const form: FormName = action.data.form;
      if (!availableForms(referral).includes(form)) return runStaleOrUnavailable(deps, record, action.data.version, context);
      if (!mayAct(referral, context.actor.id, context.isManager)) return ownerOnly(deps, record, context);
      const parsedForm = parseForm(form, action.inputs, {
        now: deps.commands.clock(),
        flow: referral.flow,
        referral,
        ...(context.timeZone !== undefined && { timeZone: context.timeZone }),
        ...(deps.commands.usdRates && { usdRates: deps.commands.usdRates }),
      });
      if (!parsedForm.ok) {
        return cardAnswer(renderForm(form, referral, formOptions(deps, context), { values: action.inputs, errors: parsedForm.errors }));
      }
      const command = { ...parsedForm.command, actor: context.actor, asManager: context.isManager } as Command;
      return runCommand(deps, record, command, action.data.version, context);
    }
  }
}

/** Hand over an Active deal: the first press shows the channel's members, the second (one chosen) moves it. */
async function handOver(deps: CardActionDeps, record: ReferralRecord, to: string | undefined, version: number, context: ActionContext): Promise<InvokeAnswer> {
  const referral = record.referral;
  if (!mayAct(referral, context.actor.id, context.isManager)) return ownerOnly(deps, record, context);
  if (to === undefined) {
    const choices = deps.handOverChoices ? await deps.handOverChoices(record) : [];
    if (choices.length === 0) return sharedCard(deps, record, context, t(context.locale, 'command.handOverNobody'), true);
    return sharedCard(deps, record, context, undefined, false, choices);
  }
  const result = deps.handOver ? await deps.handOver(record, context.actor, context.isManager, to, version) : undefined;
  if (!result) return sharedCard(deps, record, context, t(context.locale, 'command.handOverNotMember'), true);
  return answerAfter(deps, record, result, context);
}

function runStaleOrUnavailable(deps: CardActionDeps, record: ReferralRecord, version: number, context: ActionContext): InvokeAnswer {
  const referral = record.referral;
  const stale = conflictingChangesSince(referral, version);
  return sharedCard(deps, record, context, stale.length > 0 ? staleNotice(referral, stale, context.locale) : alreadyActedText(context.locale, referral), true);
}

function visibleHere(record: ReferralRecord, context: ActionContext): boolean {
  return mayView(record.referral, record.card?.target, context.viewer);
}

function formOptions(deps: CardActionDeps, context: ActionContext) {
  return {
    locale: context.locale,
    now: deps.commands.clock(),
    ...(context.timeZone !== undefined && { timeZone: context.timeZone }),
    ...(deps.commands.usdRates && { usdRates: deps.commands.usdRates }),
  };
}
