// How a ReferralRecord maps to its row (docs/architecture.md#storage): the record as JSONB plus the
// columns the queries filter and sort on, derived here so every write keeps them in step.

import type { ReferralRecord } from '../store.js';
import { isArchivable } from '../record-rules.js';

/** A time the database can index, or null for a value that is not one (the JSONB keeps it as sent). */
function timestamp(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const INSERT_REFERRAL = `
  INSERT INTO referrals (id, record, version, status, substatus, received_at, created_at, updated_at, channel, owner, archived)
  VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

export const UPSERT_REFERRAL = `${INSERT_REFERRAL}
  ON CONFLICT (id) DO UPDATE SET
    record = EXCLUDED.record, version = EXCLUDED.version, status = EXCLUDED.status, substatus = EXCLUDED.substatus,
    received_at = EXCLUDED.received_at, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at,
    channel = EXCLUDED.channel, owner = EXCLUDED.owner, archived = EXCLUDED.archived`;

export function referralRow(record: ReferralRecord): unknown[] {
  const { referral } = record;
  return [
    referral.id,
    JSON.stringify(record),
    referral.version,
    referral.status,
    referral.substatus,
    timestamp(referral.receivedDateTime),
    referral.createdDateTime,
    timestamp(referral.updatedDateTime),
    record.card?.target ?? null,
    referral.owner?.id ?? null,
    isArchivable(record),
  ];
}

/** The history events `record` adds to what `previous` had: the rows to append. */
export function newHistory(previous: ReferralRecord | undefined, record: ReferralRecord): { index: number; event: string }[] {
  const history = Array.isArray(record.referral.history) ? record.referral.history : [];
  const known = Array.isArray(previous?.referral.history) ? previous.referral.history.length : 0;
  return history.slice(known).map((event, offset) => ({ index: known + offset, event: JSON.stringify(event) }));
}

export const INSERT_HISTORY = 'INSERT INTO referral_history (referral_id, index, event) VALUES ($1, $2, $3::jsonb)';

/** `insert` (one VALUES row of $1…$n, casts kept) for many rows at once: the statement and its values. */
export function multiRowInsert(insert: string, rows: readonly unknown[][]): [string, unknown[]] {
  const [head, valuesRow] = insert.split(/VALUES/i) as [string, string];
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const offset = values.length;
    values.push(...row);
    return valuesRow.trim().replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`);
  });
  return [`${head} VALUES ${tuples.join(', ')}`, values];
}
