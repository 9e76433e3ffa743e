// What the store checks and derives from one ReferralRecord: whether it is well formed, whether it
// is finished (may leave open/ for the archive), and its summary for the index.

import type { Delivery, DeliveryMutation, Mutation, ReferralRecord, ReferralSummary } from './store.js';

/** Closed and nothing left to send (to Teams or Partner Center): no reason to keep it in memory or on the hot path. */
export function isArchivable(record: ReferralRecord): boolean {
  return record.referral.status === 'Closed' && record.outbox.length === 0 && (record.partnerCenter?.writes.length ?? 0) === 0;
}

export function summaryOf(record: ReferralRecord): ReferralSummary {
  const { id, status, substatus, receivedDateTime, createdDateTime, updatedDateTime } = record.referral;
  return { id, status, substatus, receivedDateTime, createdDateTime, ...(typeof updatedDateTime === 'string' && { updatedDateTime }) };
}

/**
 * Throws a precise Error unless `record` is a well-formed record (for referral `id` when given).
 * Cheap structural checks only: the store indexes by these fields, so a wrong one would corrupt
 * the index, not just a value.
 */
export function assertRecord(record: unknown, where: string, id?: string): asserts record is ReferralRecord {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (record === null || typeof record !== 'object') fail('the record is not an object');
  const { referral, outbox } = record as Partial<ReferralRecord>;
  if (referral === null || typeof referral !== 'object') fail('the record has no referral');
  if (typeof referral!.id !== 'string') fail('referral.id is not a string');
  if (id !== undefined && referral!.id !== id) fail(`the record is for referral ${JSON.stringify(referral!.id)}, not ${JSON.stringify(id)}`);
  if (!Array.isArray(outbox)) fail('the record has no outbox array');
  if (typeof referral!.version !== 'number') fail('referral.version is not a number');
  for (const field of ['status', 'substatus', 'receivedDateTime', 'createdDateTime'] as const) {
    if (typeof referral![field] !== 'string') fail(`referral.${field} is not a string`);
  }
}

/** The record after a delivery write: its outbox, card and Partner Center link change; the referral is the stored one. */
function withDelivery(current: ReferralRecord, delivery: Delivery): ReferralRecord {
  const card = delivery.card === null ? undefined : (delivery.card ?? current.card);
  const partnerCenter = delivery.partnerCenter ?? current.partnerCenter;
  return { referral: current.referral, outbox: delivery.outbox, ...(card && { card }), ...(partnerCenter && { partnerCenter }) };
}

/** A delivery change as a record change (what every store's updateDelivery writes): it cannot touch the referral, nor create one. */
export function asRecordChange<T>(
  id: string,
  change: (current: ReferralRecord | undefined) => DeliveryMutation<T> | Promise<DeliveryMutation<T>>,
): (current: ReferralRecord | undefined) => Promise<Mutation<T>> {
  return async (current) => {
    const mutation = await change(current);
    if (mutation === null || typeof mutation !== 'object') throw new Error(`updateDelivery(${id}): the change function must return { delivery?, result }`);
    if (!current || mutation.delivery === undefined) return { result: mutation.result };
    return { record: withDelivery(current, mutation.delivery), result: mutation.result };
  };
}
