// The lifecycle core: (referral, command, now, policy) → events | a typed error, for both flows.
// Pure: the caller passes `now`, stores the events, and folds them with evolve().

import { isTimerCommand, type Command, type NextAssignee } from './commands.js';
import { LifecycleError, type LifecycleErrorCode } from './errors.js';
import type { ReferralEvent } from './events.js';
import type { Flow, Referral, ReferralSource, RelatedReferral, Rfi, Status, Substatus } from './model.js';
import { applyEvents } from './evolve.js';
import { partnerCenterChange } from './partner-center.js';
import { addMs, type Policy } from './policy.js';
import { mayAct } from './permissions.js';
import { dueTimers } from './timers.js';
import { awaitsFirstAnswer, currentAssignee } from './assignment.js';

export type Decision = { ok: true; events: ReferralEvent[] } | { ok: false; error: LifecycleError };

type StateKey = `${Flow}:${Status}/${Substatus}`;

/**
 * Which person commands each open state takes. Absent = IllegalTransition.
 * Active/Accepted commands are the owner's (or a manager's).
 */
const PERSON_MOVES: Partial<Record<StateKey, readonly Command['type'][]>> = {
  'inbox:New/Pending': ['accept', 'decline', 'pass'],
  'classic:New/Pending': ['interested', 'noThanks', 'pass'],
  'classic:New/Received': ['accept', 'decline'],
  'inbox:Active/Accepted': ['won', 'lost', 'editEngagement', 'addContact', 'handOver'],
  'classic:Active/Accepted': ['won', 'lost', 'editEngagement', 'addContact', 'handOver'],
};

/** The person commands a referral takes now (what its card offers); Pass only while someone is assigned. */
export function availableCommands(referral: Referral): readonly Command['type'][] {
  const moves = PERSON_MOVES[`${referral.flow}:${referral.status}/${referral.substatus}`] ?? [];
  return currentAssignee(referral) ? moves : moves.filter((move) => move !== 'pass');
}

/** What the next assignee (or nobody) adds after the assignee left: a new assignment, or the managers told once. */
function nextAssignment(referral: Referral, next: NextAssignee, at: string): ReferralEvent[] | 'twice' {
  if ('nobody' in next) {
    if (referral.assignment?.escalatedAt !== undefined) return [];
    const why = referral.assignment && referral.assignment.round > 0 ? 'nobodyLeft' : 'unassignable';
    return [{ type: 'escalated', at, why, skipped: next.skipped }];
  }
  if (referral.assignment?.tried.includes(next.assignee.id)) return 'twice';
  return [{ type: 'assigned', at, assignee: next.assignee, answerBy: next.answerBy, windowMs: next.windowMs, skipped: next.skipped }];
}

/** A manager's choice: anyone of the pool (also someone who had it before), while it waits for its first answer. */
function decideReassign(referral: Referral, command: Extract<Command, { type: 'reassign' }>, at: string): Decision {
  if (!awaitsFirstAnswer(referral) || referral.assignment === undefined) return fail('IllegalTransition', command, referral);
  if (command.asManager !== true) return fail('NotOwner', command, referral);
  if (currentAssignee(referral)?.id === command.next.assignee.id) return fail('Unchanged', command, referral);
  const { assignee, answerBy, windowMs } = command.next;
  return { ok: true, events: [{ type: 'assigned', at, actor: command.actor, assignee, answerBy, windowMs, skipped: [] }] };
}

/** assign, pass and the window's end: each moves the referral to the next person of its pool. */
function decideAssignment(referral: Referral, command: Extract<Command, { type: 'assign' | 'pass' | 'assignTimeout' }>, now: Date, policy: Policy): Decision {
  const at = now.toISOString();
  const assignee = currentAssignee(referral);
  let first: ReferralEvent[];
  if (command.type === 'assign') {
    if (!awaitsFirstAnswer(referral) || referral.assignment !== undefined) return fail('IllegalTransition', command, referral);
    first = [];
  } else if (command.type === 'pass') {
    if (!assignee) return fail('IllegalTransition', command, referral);
    if (assignee.id !== command.actor.id) return fail('NotAssignee', command, referral);
    first = [{ type: 'assignmentPassed', at, actor: command.actor }];
  } else {
    if (!dueTimers(referral, policy, now).some((timer) => timer.type === 'assignTimeout')) return fail('NotDue', command, referral);
    first = [{ type: 'assignmentTimedOut', at }];
  }
  const next = nextAssignment(referral, command.next, at);
  if (next === 'twice') return fail('IllegalTransition', command, referral);
  const events = [...first, ...next];
  return events.length > 0 ? { ok: true, events } : fail('Unchanged', command, referral);
}

/** Whether the urgent marker applies: customer asked to be contacted (`contactRequested`, or "call to action: contact me"). */
export function asksForContact(rfi: Rfi): boolean {
  if (rfi.contactRequested === true) return true;
  const cta = rfi['callToAction'];
  return typeof cta === 'string' && cta.replace(/[\s_-]/g, '').toLowerCase() === 'contactme';
}

function takeIn(rfi: Rfi, now: Date, policy: Policy, source: ReferralSource | undefined, first: RelatedReferral | undefined): ReferralEvent {
  const at = now.toISOString();
  const created = rfi.createdDateTime ?? at;
  const phaseLength = policy.flow === 'classic' ? policy.skipAfterMs : policy.expireAfterMs;
  return {
    type: 'received',
    at,
    rfi,
    flow: policy.flow,
    urgent: asksForContact(rfi),
    ...(source !== undefined && { source }),
    ...(first !== undefined && first.id !== rfi.id && { firstOfEngagement: first }),
    // Partner Center's own expiry, when it sends one, is the truth; else the policy's.
    expirationDateTime: rfi.expirationDateTime ?? addMs(created, phaseLength),
  };
}

function fail(code: LifecycleErrorCode, command: Command, referral?: Referral): Decision {
  const state = referral && { status: referral.status, substatus: referral.substatus };
  return { ok: false, error: new LifecycleError(code, command.type, state) };
}

function personEvent(referral: Referral, command: Exclude<Command, { type: 'takeIn' }>, at: string, policy: Policy): ReferralEvent {
  switch (command.type) {
    case 'interested': {
      return { type: 'interested', at, actor: command.actor, expirationDateTime: addMs(at, policy.evaluateWithinMs) };
    }
    case 'noThanks':
      return { type: 'skipped', at, actor: command.actor };
    case 'accept':
      return { type: 'accepted', at, actor: command.actor, fields: command.fields, contacts: command.contacts };
    case 'decline':
      return { type: 'declined', at, actor: command.actor, reason: command.reason, ...(command.notes !== undefined && { notes: command.notes }) };
    case 'won':
      return {
        type: 'won',
        at,
        actor: command.actor,
        ...(command.dealRegistration && { dealRegistration: command.dealRegistration }),
        ...(command.final && { final: command.final }),
      };
    case 'lost':
      return { type: 'lost', at, actor: command.actor, reason: command.reason, ...(command.notes !== undefined && { notes: command.notes }) };
    case 'editEngagement':
      return { type: 'engagementEdited', at, actor: command.actor, changes: command.changes };
    case 'addContact':
      return { type: 'contactAdded', at, actor: command.actor, contact: command.contact };
    case 'handOver':
      return { type: 'handedOver', at, actor: command.actor, ...(referral.owner && { from: referral.owner }), to: command.to };
    default:
      throw new Error(`not a person command: ${command.type}`);
  }
}

function timerEvent(referral: Referral, type: Command['type'], at: string): ReferralEvent {
  switch (type) {
    case 'remind':
      return { type: 'reminded', at };
    case 'warnExpiry':
      return { type: 'expiryWarned', at };
    case 'changeUrgency':
      return { type: 'urgencyChanged', at };
    case 'expire':
      return { type: 'expired', at };
    case 'skip':
      return { type: 'skipped', at };
    case 'remindCloseDate':
      return { type: 'closeDatePassed', at, closingDateTime: referral.details.closingDateTime ?? at };
    case 'escalate':
      return { type: 'escalated', at, why: 'noDecision' };
    default:
      throw new Error(`not a timer command: ${type}`);
  }
}

export function decide(referral: Referral | undefined, command: Command, now: Date, policy: Policy): Decision {
  const at = now.toISOString();
  if (command.type === 'takeIn') {
    if (referral) return fail('AlreadyExists', command, referral);
    const received = takeIn(command.rfi, now, policy, command.source, command.firstOfEngagement);
    if (command.source !== 'partnerCenter') return { ok: true, events: [received] };
    // Taken in late (accepted or closed in Partner Center already): the card starts where Partner Center is.
    const caughtUp = partnerCenterChange(applyEvents(undefined, [received]), command.rfi, at);
    return { ok: true, events: caughtUp ? [received, caughtUp] : [received] };
  }
  if (!referral) return fail('NotFound', command);
  if (referral.status === 'Closed') return fail('Closed', command, referral);

  if (command.type === 'linkRelated') {
    const known = command.related.id === referral.id || referral.related?.some((related) => related.id === command.related.id) === true;
    return known ? fail('Unchanged', command, referral) : { ok: true, events: [{ type: 'relatedArrived', at, related: command.related }] };
  }

  if (command.type === 'syncFromPartnerCenter') {
    const change = partnerCenterChange(referral, command.resource, at);
    return change ? { ok: true, events: [change] } : fail('Unchanged', command, referral);
  }

  if (command.type === 'assign' || command.type === 'pass' || command.type === 'assignTimeout') return decideAssignment(referral, command, now, policy);
  if (command.type === 'reassign') return decideReassign(referral, command, at);

  if (isTimerCommand(command)) {
    const due = dueTimers(referral, policy, now).some((timer) => timer.type === command.type);
    return due ? { ok: true, events: [timerEvent(referral, command.type, at)] } : fail('NotDue', command, referral);
  }

  if (!availableCommands(referral).includes(command.type)) return fail('IllegalTransition', command, referral);
  if (!mayAct(referral, command.actor.id, command.asManager === true)) return fail('NotOwner', command, referral);
  if (command.type === 'handOver' && command.to.id === referral.owner?.id) return fail('Unchanged', command, referral);
  return { ok: true, events: [personEvent(referral, command, at, policy)] };
}
