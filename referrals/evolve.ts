// The fold: a referral's current state is its history applied event by event. This is the only
// code that sets a status.

import type { Assignment } from './assignment.js';
import type { ReferralEvent } from './events.js';
import { CLOSE_REASONS, type Contact, type EngagementFields, type Referral, type Rfi } from './model.js';

/** Fields of the RFI that the model names; everything else goes to `extra`. */
const KNOWN_RFI_FIELDS = new Set([
  'id',
  'engagementId',
  'name',
  'status',
  'substatus',
  'type',
  'qualification',
  'createdDateTime',
  'updatedDateTime',
  'expirationDateTime',
  'customerProfile',
  'consent',
  'details',
  'externalReferenceId',
  'team',
  'statusReason',
  'eTag',
  'acceptedDateTime',
  'history',
  'flow',
  'version',
  'assignment',
]);

function fromRfi(event: Extract<ReferralEvent, { type: 'received' }>): Referral {
  const rfi: Rfi = event.rfi;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rfi)) if (!KNOWN_RFI_FIELDS.has(key)) extra[key] = value;
  return {
    id: rfi.id,
    ...(event.source !== undefined && { source: event.source }),
    ...(rfi.engagementId !== undefined && { engagementId: rfi.engagementId }),
    name: rfi.name ?? rfi.customerProfile.name,
    status: 'New',
    substatus: 'Pending',
    ...(rfi.type !== undefined && { type: rfi.type }),
    ...(rfi.qualification !== undefined && { qualification: rfi.qualification }),
    flow: event.flow,
    customerProfile: rfi.customerProfile,
    ...(rfi.consent !== undefined && { consent: rfi.consent }),
    details: rfi.details ?? {},
    ...(rfi.externalReferenceId !== undefined && { externalReferenceId: rfi.externalReferenceId }),
    team: [],
    engagementTeam: Array.isArray(rfi['team']) ? (rfi['team'] as Contact[]) : [],
    ...(event.firstOfEngagement !== undefined && { firstOfEngagement: event.firstOfEngagement }),
    urgent: event.urgent,
    createdDateTime: rfi.createdDateTime ?? event.at,
    receivedDateTime: event.at,
    updatedDateTime: event.at,
    expirationDateTime: event.expirationDateTime,
    version: 0,
    history: [],
    extra,
  };
}

function applyFields(referral: Referral, fields: EngagementFields): Referral {
  const details = { ...referral.details };
  if (fields.dealValue !== undefined) details.dealValue = fields.dealValue;
  if (fields.currency !== undefined) details.currency = fields.currency;
  if (fields.closingDateTime !== undefined) details.closingDateTime = fields.closingDateTime;
  if (fields.notes !== undefined) details.notes = fields.notes;
  return {
    ...referral,
    ...(fields.name !== undefined && { name: fields.name }),
    ...(fields.externalReferenceId !== undefined && { externalReferenceId: fields.externalReferenceId }),
    details,
  };
}

function firstResponse(referral: Referral, at: string): Pick<Referral, 'firstResponseDateTime'> {
  return { firstResponseDateTime: referral.firstResponseDateTime ?? at };
}

function closed(referral: Referral, at: string): Pick<Referral, 'status' | 'closedDateTime'> {
  return { status: 'Closed', closedDateTime: at };
}

function fromPartnerCenter(referral: Referral, event: Extract<ReferralEvent, { type: 'changedInPartnerCenter' }>): Referral {
  const next = event.changes ? applyFields(referral, event.changes) : { ...referral };
  if (!event.status || !event.substatus) return next;
  const reason = CLOSE_REASONS.find((known) => known === event.statusReason);
  return {
    ...next,
    status: event.status,
    substatus: event.substatus,
    ...(event.status === 'Active' && { acceptedDateTime: referral.acceptedDateTime ?? event.at }),
    ...(event.status === 'Closed' && { closedDateTime: event.at }),
    ...(reason !== undefined && { statusReason: reason }),
    ...(reason === undefined && event.statusReason !== undefined && { statusReasonNotes: event.statusReason }),
  };
}

function withAssignment(referral: Referral, change: Partial<Assignment>, drop: readonly (keyof Assignment)[] = []): Referral {
  const assignment: Assignment = { round: 0, tried: [], ...referral.assignment, ...change };
  for (const key of drop) delete assignment[key];
  return { ...referral, assignment };
}

function applyEvent(referral: Referral | undefined, event: ReferralEvent): Referral {
  if (event.type === 'received') return fromRfi(event);
  if (!referral) throw new Error(`event ${event.type} before the referral was received`);
  switch (event.type) {
    case 'interested':
      return { ...referral, substatus: 'Received', expirationDateTime: event.expirationDateTime, ...firstResponse(referral, event.at) };
    case 'accepted':
      return {
        ...applyFields(referral, event.fields),
        status: 'Active',
        substatus: 'Accepted',
        owner: event.actor,
        acceptedDateTime: event.at,
        team: [...referral.team, ...event.contacts],
        ...firstResponse(referral, event.at),
      };
    case 'declined':
      return {
        ...referral,
        ...closed(referral, event.at),
        substatus: 'Declined',
        statusReason: event.reason,
        ...(event.notes !== undefined && { statusReasonNotes: event.notes }),
        ...firstResponse(referral, event.at),
      };
    case 'skipped':
      return {
        ...referral,
        ...closed(referral, event.at),
        substatus: 'Skipped',
        ...(event.actor && firstResponse(referral, event.at)),
      };
    case 'won':
      return {
        ...(event.final ? applyFields(referral, event.final) : referral),
        ...closed(referral, event.at),
        substatus: 'Won',
        ...(event.dealRegistration && { dealRegistration: event.dealRegistration }),
      };
    case 'lost':
      return {
        ...referral,
        ...closed(referral, event.at),
        substatus: 'Lost',
        statusReason: event.reason,
        ...(event.notes !== undefined && { statusReasonNotes: event.notes }),
      };
    case 'engagementEdited':
      return applyFields(referral, event.changes);
    case 'contactAdded':
      return { ...referral, team: [...referral.team, event.contact] };
    case 'handedOver':
      return { ...referral, owner: event.to };
    case 'relatedArrived':
      return { ...referral, related: [...(referral.related ?? []), event.related] };
    case 'urgencyChanged':
      return { ...referral, urgencyChangedAt: event.at };
    case 'expired':
      return { ...referral, ...closed(referral, event.at), substatus: 'Expired' };
    case 'changedInPartnerCenter':
      return fromPartnerCenter(referral, event);
    case 'assigned': {
      const previous = referral.assignment ?? { round: 0, tried: [] };
      return withAssignment(referral, {
        assignee: event.assignee,
        assignedAt: event.at,
        answerBy: event.answerBy,
        round: previous.round + 1,
        tried: previous.tried.includes(event.assignee.id) ? previous.tried : [...previous.tried, event.assignee.id],
      });
    }
    case 'assignmentPassed':
    case 'assignmentTimedOut':
      return withAssignment(referral, {}, ['assignee', 'assignedAt', 'answerBy']);
    case 'escalated':
      return withAssignment(referral, { escalatedAt: event.at });
    case 'reminded':
    case 'expiryWarned':
    case 'closeDatePassed':
      return referral;
  }
}

/** Applies one event: the new state, with the event appended to the history. */
export function evolve(referral: Referral | undefined, event: ReferralEvent): Referral {
  const next = applyEvent(referral, event);
  return {
    ...next,
    updatedDateTime: event.at,
    version: (referral?.version ?? 0) + 1,
    history: [...(referral?.history ?? []), event],
  };
}

/** Applies a decision's events in order: the one way a referral's state moves forward. */
export function applyEvents(referral: Referral | undefined, events: readonly ReferralEvent[]): Referral {
  const next = events.reduce<Referral | undefined>(evolve, referral);
  if (!next) throw new Error('applyEvents: no referral and no events');
  return next;
}

/** The state a history folds to. */
export function fold(history: readonly ReferralEvent[]): Referral | undefined {
  return history.length === 0 ? undefined : applyEvents(undefined, history);
}
