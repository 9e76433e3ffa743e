// The records a summary needs: those that changed since a time (archived ones included), plus
// every open referral, whatever its age (attention is about open work). Without `since`: all.

import type { ReferralRecord, Store } from '../../storage/store.js';

export async function recentAndOpenRecords(store: Store, since?: string): Promise<ReferralRecord[]> {
  const recent = await store.listRecords(since === undefined ? {} : { updatedSince: since });
  const byId = new Map(recent.map((record) => [record.referral.id, record]));
  for (const record of store.openRecords()) if (!byId.has(record.referral.id)) byId.set(record.referral.id, record);
  return [...byId.values()];
}
