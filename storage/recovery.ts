// The rules that rebuild the index at open() after any crash: which copy of a referral counts when
// a crash left it in two places (the archive is written before the open file is deleted).

import type { ReferralRecord, ReferralSummary } from './store.js';
import { summaryOf } from './record-rules.js';

/** What the index keeps per archived referral: enough to filter and sort, and where the record is. */
export interface ArchivedEntry {
  summary: ReferralSummary;
  segment: number;
  version: number;
}

/**
 * Adds an archived copy to the index. An id archived twice (only possible after the crash case
 * of keepOpen below, once the open copy was archived again) resolves to the higher version; on a
 * tie, the later segment, which was written later.
 */
export function indexArchived(index: Map<string, ArchivedEntry>, segment: number, record: ReferralRecord): void {
  indexSummary(index, { summary: summaryOf(record), segment, version: record.referral.version });
}

/** indexArchived() from a segment's persisted summary (archive-segments.ts), without reading its records. */
export function indexSummary(index: Map<string, ArchivedEntry>, entry: ArchivedEntry): void {
  const known = index.get(entry.summary.id);
  if (known && (known.version > entry.version || (known.version === entry.version && known.segment > entry.segment))) return;
  index.set(entry.summary.id, entry);
}

/**
 * A referral both in open/ and in the archive: the crash came between the segment write and the
 * open file's delete. Same version: the move had finished its only durable step, so the archived
 * copy wins and the open file goes. A higher open version means the open copy holds writes the
 * archive never saw: keep it, ignore the archived copy.
 */
export function resolveDuplicate(openCopy: ReferralRecord, archived: ArchivedEntry): 'archivedWins' | 'keepOpen' {
  return openCopy.referral.version > archived.version ? 'keepOpen' : 'archivedWins';
}
