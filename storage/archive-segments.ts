// The archive: closed referrals in numbered segment files of at most `segmentSize` records, so
// archiving rewrites one bounded file, never the whole history. Appends are group-committed;
// reads go through a small LRU of segments.

import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Low } from 'lowdb';
import { DurableJsonFile, PRIVATE_DIR_MODE, removeTempLeftovers } from './durable-json-file.js';
import { deepFreeze } from './frozen-json.js';
import { segmentFileName, segmentNumber } from './layout.js';
import { LruCache } from './lru-cache.js';
import { assertRecord } from './record-rules.js';
import type { ReferralRecord } from './store.js';

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
   * Reads every segment once, oldest first, for the index at open(). Removes a crash's temp files.
   * Startup cost grows with history; the hot path (update of an open referral) does not touch this.
   */
  async scan(visit: (segment: number, records: readonly ReferralRecord[]) => void): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await removeTempLeftovers(this.#dir);
    const segments = (await readdir(this.#dir))
      .map(segmentNumber)
      .filter((segment): segment is number => segment !== undefined)
      .sort((a, b) => a - b);
    let tailRecords: readonly ReferralRecord[] = [];
    for (const segment of segments) {
      tailRecords = await this.#load(segment);
      visit(segment, tailRecords);
      this.#tail = { segment, count: tailRecords.length };
    }
    // The tail is where the next append goes: keep it, it is about to be read anyway.
    const { segment } = this.#tail;
    if (segment > 0) this.#cache.set(segment, Promise.resolve(viewOf(segment, tailRecords)));
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
