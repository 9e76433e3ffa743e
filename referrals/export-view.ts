// The referral as the export shows it (GET /api/referrals/export): one flat row per referral with
// its current state, owner, deal fields, response time and closing reason, for a spreadsheet or a
// CRM import. Pure. The column order is EXPORT_COLUMNS; absent values are null (JSON) or empty (CSV).

import type { Referral, RequirementList } from './model.js';
import { requirementIds } from './tags.js';
import { responseTimeMs } from './stats.js';

export const EXPORT_COLUMNS = [
  'id',
  'engagementId',
  'name',
  'customer',
  'country',
  'flow',
  'status',
  'substatus',
  'ownerId',
  'ownerName',
  'dealValue',
  'currency',
  'closingDate',
  'crmId',
  'notes',
  'createdDateTime',
  'receivedDateTime',
  'firstResponseDateTime',
  'responseTimeSeconds',
  'acceptedDateTime',
  'closedDateTime',
  'expirationDateTime',
  'closingReason',
  'closingNotes',
  'urgent',
  'assignee',
  'assignedAt',
  'assignmentRounds',
  'products',
  'services',
  'solutions',
] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRow = Record<ExportColumn, string | number | boolean | null>;

function idList(referral: Referral, list: RequirementList): string | null {
  const ids = requirementIds(referral, list);
  return ids.length > 0 ? ids.join(';') : null;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

/**
 * One referral as an export row. `responseTimeSeconds`: firstResponseDateTime − createdDateTime (Partner Center's clock),
 * rounded to whole seconds (null while nobody responded). `closingDate`: the estimated close date
 * (YYYY-MM-DD). `closingReason`: Partner Center's decline / lost reason code (statusReason).
 * `assignee` / `assignedAt`: the last person its channel's pool gave it to, and when (null when
 * no pool took it); `assignmentRounds`: how many times it was assigned. `products`, `services`,
 * `solutions`: Partner Center's ids, separated by ";" (null when it sent none: a referral from the
 * intake API that named them in words, or one stored before ids were kept).
 */
export function toExportRow(referral: Referral): ExportRow {
  const response = responseTimeMs(referral);
  const lastAssigned = referral.history.findLast((event) => event.type === 'assigned');
  const closing = referral.details.closingDateTime;
  const country = referral.customerProfile.address?.country;
  return {
    id: referral.id,
    engagementId: orNull(referral.engagementId),
    name: referral.name,
    customer: referral.customerProfile.name,
    country: typeof country === 'string' ? country : null,
    flow: referral.flow,
    status: referral.status,
    substatus: referral.substatus,
    ownerId: orNull(referral.owner?.id),
    ownerName: orNull(referral.owner?.name),
    dealValue: typeof referral.details.dealValue === 'number' ? referral.details.dealValue : null,
    currency: orNull(referral.details.currency),
    closingDate: typeof closing === 'string' ? closing.slice(0, 10) : null,
    crmId: orNull(referral.externalReferenceId),
    notes: typeof referral.details.notes === 'string' ? referral.details.notes : null,
    createdDateTime: referral.createdDateTime,
    receivedDateTime: referral.receivedDateTime,
    firstResponseDateTime: orNull(referral.firstResponseDateTime),
    responseTimeSeconds: response === undefined ? null : Math.round(response / 1000),
    acceptedDateTime: orNull(referral.acceptedDateTime),
    closedDateTime: orNull(referral.closedDateTime),
    expirationDateTime: referral.expirationDateTime,
    closingReason: orNull(referral.statusReason),
    closingNotes: orNull(referral.statusReasonNotes),
    urgent: referral.urgent,
    assignee: lastAssigned?.type === 'assigned' ? lastAssigned.assignee.name : null,
    assignedAt: orNull(lastAssigned?.at),
    assignmentRounds: referral.assignment ? referral.assignment.round : null,
    products: idList(referral, 'products'),
    services: idList(referral, 'services'),
    solutions: idList(referral, 'solutions'),
  };
}
