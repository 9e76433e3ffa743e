// The two directions of the Partner Center link, as pure rules (docs/architecture.md#partner-center):
// which change from Partner Center the bot adopts, and which JSON Patch writes each decision back.

import type { ReferralEvent } from './events.js';
import type { EngagementFields, Referral, Rfi, Status, Substatus } from './model.js';

/** How far along a referral is; Partner Center only moves forward (Closed is terminal). */
const STAGE: Record<string, number> = {
  'New/Pending': 0,
  'New/Received': 1,
  'Active/Accepted': 2,
  'Closed/Won': 3,
  'Closed/Lost': 3,
  'Closed/Declined': 3,
  'Closed/Expired': 3,
};

export function stageOf(status: unknown, substatus: unknown): number | undefined {
  return STAGE[`${String(status)}/${String(substatus)}`];
}

const ENGAGEMENT_KEYS = ['name', 'dealValue', 'currency', 'closingDateTime', 'notes', 'externalReferenceId'] as const;

function fieldsOf(resource: Rfi): EngagementFields {
  const details = resource.details ?? {};
  const fields: EngagementFields = {};
  if (typeof resource.name === 'string' && resource.name !== '') fields.name = resource.name;
  if (typeof details.dealValue === 'number') fields.dealValue = details.dealValue;
  if (typeof details.currency === 'string' && details.currency !== '') fields.currency = details.currency;
  if (typeof details.closingDateTime === 'string') fields.closingDateTime = details.closingDateTime;
  if (typeof details.notes === 'string') fields.notes = details.notes;
  if (typeof resource.externalReferenceId === 'string' && resource.externalReferenceId !== '') fields.externalReferenceId = resource.externalReferenceId;
  return fields;
}

function currentFields(referral: Referral): EngagementFields {
  return {
    name: referral.name,
    ...(referral.details.dealValue !== undefined && { dealValue: referral.details.dealValue }),
    ...(referral.details.currency !== undefined && { currency: referral.details.currency }),
    ...(referral.details.closingDateTime !== undefined && { closingDateTime: referral.details.closingDateTime }),
    ...(referral.details.notes !== undefined && { notes: referral.details.notes }),
    ...(referral.externalReferenceId !== undefined && { externalReferenceId: referral.externalReferenceId }),
  };
}

function sameValue(key: (typeof ENGAGEMENT_KEYS)[number], a: unknown, b: unknown): boolean {
  if (key === 'closingDateTime' && typeof a === 'string' && typeof b === 'string') return Date.parse(a) === Date.parse(b);
  return a === b;
}

/**
 * The event that brings `referral` to what Partner Center shows in `resource`, or undefined when
 * there is nothing to adopt. A later state is adopted; an earlier one is Partner Center still
 * waiting for our own write, and is ignored. Engagement fields are adopted only from a resource
 * updated after the referral's last change here, so a pending edit of ours is never undone.
 */
export function partnerCenterChange(referral: Referral, resource: Rfi, at: string): Extract<ReferralEvent, { type: 'changedInPartnerCenter' }> | undefined {
  const theirs = stageOf(resource['status'], resource['substatus']);
  const ours = stageOf(referral.status, referral.substatus) ?? 3;
  const moves = theirs !== undefined && theirs > ours;
  const updated = typeof resource.updatedDateTime === 'string' ? Date.parse(resource.updatedDateTime) : Number.NaN;
  const newer = moves || (Number.isFinite(updated) && updated > Date.parse(referral.updatedDateTime));
  const changes: EngagementFields = {};
  if (newer && (moves ? (theirs ?? 0) >= 2 : referral.status === 'Active')) {
    const now = currentFields(referral);
    const next = fieldsOf(resource);
    for (const key of ENGAGEMENT_KEYS) {
      if (next[key] !== undefined && !sameValue(key, next[key], now[key])) (changes as Record<string, unknown>)[key] = next[key];
    }
  }
  if (!moves && Object.keys(changes).length === 0) return undefined;
  const reason = resource['statusReason'];
  return {
    type: 'changedInPartnerCenter',
    at,
    ...(moves && { status: resource['status'] as Status, substatus: resource['substatus'] as Substatus }),
    ...(moves && typeof reason === 'string' && reason !== '' && { statusReason: reason.slice(0, 500) }),
    ...(Object.keys(changes).length > 0 && { changes }),
  };
}

/** One operation of a JSON Patch (RFC 6902); Partner Center takes `replace` and `add` only. */
export interface PatchOperation {
  op: 'replace' | 'add';
  path: string;
  value: unknown;
}

const replace = (path: string, value: unknown): PatchOperation => ({ op: 'replace', path, value });

function fieldOperations(fields: EngagementFields): PatchOperation[] {
  const operations: PatchOperation[] = [];
  if (fields.name !== undefined) operations.push(replace('/name', fields.name));
  if (fields.dealValue !== undefined) operations.push(replace('/details/dealValue', fields.dealValue));
  if (fields.currency !== undefined) operations.push(replace('/details/currency', fields.currency));
  if (fields.closingDateTime !== undefined) operations.push(replace('/details/closingDateTime', fields.closingDateTime));
  if (fields.notes !== undefined) operations.push(replace('/details/notes', fields.notes));
  if (fields.externalReferenceId !== undefined) operations.push(replace('/externalReferenceId', fields.externalReferenceId));
  return operations;
}

function contactValue(contact: Record<string, unknown>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const key of ['firstName', 'lastName', 'email', 'phoneNumber'] as const) if (typeof contact[key] === 'string') value[key] = contact[key];
  return value;
}

const state = (status: Status, substatus: Substatus): PatchOperation[] => [replace('/status', status), replace('/substatus', substatus)];

/**
 * What a history event writes to Partner Center, or undefined when it writes nothing (timers:
 * Partner Center keeps its own clock; changes that came from Partner Center).
 */
export function partnerCenterPatch(event: ReferralEvent): PatchOperation[] | undefined {
  switch (event.type) {
    case 'interested':
      return state('New', 'Received');
    case 'accepted':
      return [
        ...state('Active', 'Accepted'),
        ...fieldOperations(event.fields),
        ...event.contacts.map((contact) => ({ op: 'add' as const, path: '/team/-', value: contactValue(contact) })),
      ];
    case 'declined':
      return [...state('Closed', 'Declined'), replace('/statusReason', event.reason)];
    case 'skipped':
      // "No thanks" (a person): Partner Center has no Skipped, Declined is its answer. The timer writes nothing.
      return event.actor ? [...state('Closed', 'Declined'), replace('/statusReason', 'Other')] : undefined;
    case 'won':
      // The final value and close date go with the Won (details.dealValue, closingDateTime).
      return [...state('Closed', 'Won'), ...(event.final ? fieldOperations(event.final) : [])];
    case 'lost':
      return [...state('Closed', 'Lost'), replace('/statusReason', event.reason)];
    case 'engagementEdited':
      return fieldOperations(event.changes);
    case 'contactAdded':
      return [{ op: 'add', path: '/team/-', value: contactValue(event.contact) }];
    default:
      return undefined;
  }
}

/**
 * Whether a write still applies to Partner Center's current state (after a 412): a state move
 * applies while Partner Center is behind it and not closed; an edit or a contact while it is Active.
 */
export function stillApplies(patch: readonly PatchOperation[], resource: Rfi): boolean {
  const theirs = stageOf(resource['status'], resource['substatus']);
  if (theirs === undefined || theirs >= 3) return false;
  const status = patch.find((operation) => operation.path === '/status')?.value;
  const substatus = patch.find((operation) => operation.path === '/substatus')?.value;
  if (status === undefined) return resource['status'] === 'Active';
  const target = stageOf(status, substatus);
  if (target === undefined || target <= theirs) return false;
  // Partner Center's own transitions: from Active only to Closed Won / Lost.
  return !(resource['status'] === 'Active' && substatus !== 'Won' && substatus !== 'Lost');
}

function valueAt(resource: Record<string, unknown>, path: string): unknown {
  let node: unknown = resource;
  for (const key of path.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function sameContact(a: Record<string, unknown>, b: unknown): boolean {
  if (typeof b !== 'object' || b === null) return false;
  const other = b as Record<string, unknown>;
  return ['firstName', 'lastName', 'email', 'phoneNumber'].every((key) => (a[key] ?? '') === (other[key] ?? ''));
}

/** Whether Partner Center already shows everything `patch` would write (it was sent, the answer lost). */
export function alreadyApplied(patch: readonly PatchOperation[], resource: Record<string, unknown>): boolean {
  return patch.every((operation) => {
    if (operation.op === 'add' && operation.path.endsWith('/-')) {
      const list = valueAt(resource, operation.path.slice(0, -2));
      return Array.isArray(list) && list.some((item) => sameContact(operation.value as Record<string, unknown>, item));
    }
    const current = valueAt(resource, operation.path);
    if (operation.path.endsWith('DateTime') && typeof current === 'string' && typeof operation.value === 'string')
      return Date.parse(current) === Date.parse(operation.value);
    return current === operation.value;
  });
}
