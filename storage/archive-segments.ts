// The archive: closed referrals in numbered segment files of at most `segmentSize` records, so
// archiving rewrites one bounded file, never the whole history. Appends are group-committed;
// reads go through a small LRU of segments. Each segment has a summary file beside it (ids, states,
// dates, versions): the index is built from those, a few percent of the bytes, and a summary that
// does not match its segment's size and time (a crash between the two writes, a restore) is rebuilt.

import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Low } from 'lowdb';
import { DurableJsonFile, PRIVATE_DIR_MODE, removeTempLeftovers } from './durable-json-file.js';
import { deepFreeze } from './frozen-json.js';
import { segmentFileName, segmentNumber, summaryFileName } from './layout.js';
import { LruCache } from './lru-cache.js';
import { assertRecord, summaryOf } from './record-rules.js';
import type { ArchivedEntry } from './recovery.js';
import type { ReferralRecord, ReferralSummary } from './store.js';

/** One archived referral in a summary file: id, status, substatus, received, created, updated (or null), version. */
type SummaryRow = [string, ReferralSummary['status'], ReferralSummary['substatus'], string, string, string | null, number];

/** A segment's summary: its rows, and the segment file's size and modification time they were made from. */
interface SummaryFile {
  size: number;
  mtimeMs: number;
  rows: SummaryRow[];
}

function rowOf(record: ReferralRecord): SummaryRow {
  const summary = summaryOf(record);
  return [
    summary.id,
    summary.status,
    summary.substatus,
    summary.receivedDateTime,
    summary.createdDateTime,
    summary.updatedDateTime ?? null,
    record.referral.version,
  ];
}

function entryOf(segment: number, row: SummaryRow): ArchivedEntry {
  const [id, status, substatus, receivedDateTime, createdDateTime, updatedDateTime, version] = row;
  return { segment, version, summary: { id, status, substatus, receivedDateTime, createdDateTime, ...(updatedDateTime !== null && { updatedDateTime }) } };
}

function isSummaryFile(value: unknown): value is SummaryFile {
  const file = value as Partial<SummaryFile> | null;
  return (
    typeof file?.size === 'number' &&
    typeof file.mtimeMs === 'number' &&
    Array.isArray(file.rows) &&
    file.rows.every((row) => Array.isArray(row) && row.length === 7)
  );
}

export interface Segment {
  records: ReferralRecord[];
}

/** A segment as read: its records (frozen) and a lookup by referral id. */
export interface SegmentView {
  segment: number;
  records: readonly ReferralRecord[];
  byId: ReadonlyMap<string, ReferralRecord>;
}

interface PendingAppend {
  record: ReferralRecord;
  resolve: (segment: number) => void;
  reject: (error: unknown) => void;
}

export interface ArchiveSegmentsOptions {
  segmentSize: number;
  cachedSegments: number;
}

function viewOf(segment: number, records: readonly ReferralRecord[]): SegmentView {
  // A later copy of an id in the same segment is the later write.
  return { segment, records, byId: new Map(records.map((record) => [record.referral.id, record])) };
}

export class ArchiveSegments {
  readonly #dir: string;
  readonly #segmentSize: number;
  readonly #cache: LruCache<number, Promise<SegmentView>>;
  /** The segment appends go to and how many records it holds; segment 0 = none yet. */
  #tail = { segment: 0, count: 0 };
  #queue: PendingAppend[] = [];
  #flushing = false;

  constructor(dir: string, options: ArchiveSegmentsOptions) {
    if (!Number.isInteger(options.segmentSize) || options.segmentSize < 1) {
      throw new Error(`segmentSize must be a positive integer, got ${options.segmentSize}`);
    }
    this.#dir = dir;
    this.#segmentSize = options.segmentSize;
    this.#cache = new LruCache(options.cachedSegments);
  }

  get segmentCount(): number {
    return this.#tail.segment;
  }

  /** Segment numbers held in memory now (for tests and stats). */
  cachedSegments(): number[] {
    return this.#cache.keys();
  }

  #file(segment: number): Low<Segment> {
    return new Low<Segment>(new DurableJsonFile(path.join(this.#dir, segmentFileName(segment))), { records: [] });
  }

  async #load(segment: number): Promise<readonly ReferralRecord[]> {
    const file = this.#file(segment);
    await file.read();
    const name = segmentFileName(segment);
    if (!Array.isArray(file.data?.records)) throw new Error(`archive/${name} has no records array`);
    file.data.records.forEach((record, index) => assertRecord(record, `archive/${name} record ${index}`));
    return deepFreeze(file.data.records);
  }

  /**
   * Visits every segment's entries once, oldest first, for the store's index, from the summaries
   * (a segment is read only when its summary is missing or stale, and its summary is then rewritten).
   * Removes a crash's temp files.
   */
  async scan(visit: (entries: readonly ArchivedEntry[]) => void): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await removeTempLeftovers(this.#dir);
    const segments = (await readdir(this.#dir))
      .map(segmentNumber)
      .filter((segment): segment is number => segment !== undefined)
      .sort((a, b) => a - b);
    for (const segment of segments) {
      const rows = await this.#summaryRows(segment);
      visit(rows.map((row) => entryOf(segment, row)));
      this.#tail = { segment, count: rows.length };
    }
  }

  async #summaryRows(segment: number): Promise<SummaryRow[]> {
    const [{ size, mtimeMs }, summary] = await Promise.all([
      stat(path.join(this.#dir, segmentFileName(segment))),
      new DurableJsonFile(path.join(this.#dir, summaryFileName(segment))).readIfExists().catch(() => ({ found: false as const })),
    ]);
    if (summary.found && isSummaryFile(summary.value) && summary.value.size === size && summary.value.mtimeMs === mtimeMs) return summary.value.rows;
    const records = await this.#load(segment);
    await this.#writeSummary(segment, records);
    return records.map(rowOf);
  }

  /** After the segment's own write: a lost summary costs one segment read at the next start, so no fsync. */
  async #writeSummary(segment: number, records: readonly ReferralRecord[]): Promise<void> {
    const { size, mtimeMs } = await stat(path.join(this.#dir, segmentFileName(segment)));
    await new DurableJsonFile<SummaryFile>(path.join(this.#dir, summaryFileName(segment)), { fsync: false }).write({ size, mtimeMs, rows: records.map(rowOf) });
  }

  read(segment: number): Promise<SegmentView> {
    const cached = this.#cache.get(segment);
    if (cached) return cached;
    const loading = this.#load(segment).then((records) => viewOf(segment, records));
    this.#cache.set(segment, loading);
    loading.catch(() => this.#cache.delete(segment));
    return loading;
  }

  /**
   * Appends a (frozen) record; resolves with its segment number once the segment is durably on
   * disk. Appends that arrive while a write is under way, or in the same turn, share the next write.
   */
  append(record: ReferralRecord): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.#queue.push({ record, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    try {
      // Let the appends of this turn (say, many referrals expiring at once) join the first write.
      await nextTurn();
      while (this.#queue.length > 0) await this.#writeBatch();
    } finally {
      this.#flushing = false;
    }
  }

  async #writeBatch(): Promise<void> {
    let { segment, count } = this.#tail;
    if (segment === 0 || count >= this.#segmentSize) {
      segment += 1;
      count = 0;
    }
    const batch = this.#queue.splice(0, this.#segmentSize - count);
    try {
      const before = count === 0 ? [] : (await this.read(segment)).records;
      const records = [...before, ...batch.map((item) => item.record)];
      const file = this.#file(segment);
      file.data = { records };
      await file.write();
      // A summary that failed to write is rebuilt from the segment at the next start.
      await this.#writeSummary(segment, records).catch(() => undefined);
      this.#tail = { segment, count: records.length };
      this.#cache.set(segment, Promise.resolve(viewOf(segment, Object.freeze(records))));
    } catch (error) {
      // Whatever the cache holds for this segment may now differ from the disk: drop it.
      this.#cache.delete(segment);
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) item.resolve(segment);
  }
}
