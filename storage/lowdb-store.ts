// The embedded default Store: lowdb files in one data directory, laid out so that a write costs
// the same however much history or open work there is (docs/architecture.md#storage, storage/README.md).

import type { Low } from 'lowdb';
import { ArchiveSegments } from './archive-segments.js';
import { removeTempLeftovers } from './durable-json-file.js';
import { frozenJsonCopy } from './frozen-json.js';
import { layoutOf, type Layout } from './layout.js';
import { notifyListeners, StoreGate } from './store-gate.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { OpenRecordFiles } from './open-record-files.js';
import { assertRecord, isArchivable, summaryOf, asRecordChange } from './record-rules.js';
import { indexArchived, indexSummary, resolveDuplicate, type ArchivedEntry } from './recovery.js';
import { StateFile } from './state-file.js';
import { ensureWritableDirs } from './write-probe.js';
import { acquireOwnerLock } from './owner-lock.js';
import type { Referral } from '../referrals/model.js';
import type { DeliveryMutation, ListFilter, Mutation, RecordListener, ReferralRecord, Store, BotState } from './store.js';

export interface LowdbStoreOptions {
  /** The data directory; created if missing. */
  dataDir: string;
  /** Records per archive segment: bounds what one archive write costs. Default 1000. */
  segmentSize?: number;
  /** Archive segments kept in memory for reads of closed referrals. Default 4. */
  cachedSegments?: number;
  /** Where the store reports errors nobody awaits (a failing listener, a failed archive move). */
  log?: (message: string, error?: unknown) => void;
}

const STATE_KEY = 'state';

export class LowdbStore implements Store {
  readonly kind = 'embedded' as const;
  readonly layout: Layout;
  readonly #log: (message: string, error?: unknown) => void;
  readonly #openFiles: OpenRecordFiles;
  readonly #archive: ArchiveSegments;
  readonly #state: StateFile;
  /** Every open referral's record, in memory (frozen): open work only. */
  readonly #open = new Map<string, Low<ReferralRecord>>();
  /** Every archived referral: a summary and its segment, never the record. */
  readonly #archived = new Map<string, ArchivedEntry>();
  /** One chain per referral id: updates and archive moves of one id never overlap. */
  readonly #locks = new KeyedSerializer();
  readonly #stateLock = new KeyedSerializer();
  readonly #listeners = new Set<RecordListener>();
  readonly #gate = new StoreGate('LowdbStore');
  #closing: Promise<void> | undefined;
  /** The archive index, built on first need (#indexed). */
  #indexing: Promise<void> | undefined;
  /** Lets go of DATA_DIR's owner lock (set while open). */
  #releaseOwner: (() => Promise<void>) | undefined;

  constructor(options: LowdbStoreOptions) {
    if (typeof options?.dataDir !== 'string' || options.dataDir === '') throw new Error('LowdbStore: dataDir is required');
    this.layout = layoutOf(options.dataDir);
    this.#log = options.log ?? ((message, error) => console.error(`[storage] ${message}`, error ?? ''));
    this.#openFiles = new OpenRecordFiles(this.layout.openDir);
    this.#archive = new ArchiveSegments(this.layout.archiveDir, {
      segmentSize: options.segmentSize ?? 1000,
      cachedSegments: options.cachedSegments ?? 4,
    });
    this.#state = new StateFile(this.layout.stateFile);
  }

  /**
   * Loads the state, indexes the archive, loads open records, and repairs what a crash left:
   * temp files are removed, a referral both archived and open keeps one copy (recovery.ts), and
   * closed records with nothing left to send are archived before open() resolves.
   */
  async open(): Promise<void> {
    if (this.#gate.phase !== 'new') throw new Error(`LowdbStore.open(): the store is already ${this.#gate.phase}`);
    this.#gate.phase = 'opening';
    await ensureWritableDirs([this.layout.dataDir, this.layout.openDir, this.layout.archiveDir]);
    this.#releaseOwner = await acquireOwnerLock(this.layout.dataDir);
    try {
      await this.#load();
    } catch (error) {
      await this.#releaseOwner();
      this.#releaseOwner = undefined;
      throw error;
    }
  }

  async #load(): Promise<void> {
    await removeTempLeftovers(this.layout.dataDir);
    await this.#state.load();
    for (const file of await this.#openFiles.scan()) this.#open.set(file.data.referral.id, file);
    this.#gate.phase = 'open';
  }

  /** Builds the archive index and repairs what a crash left between an archive write and an open file's delete. */
  async #indexArchive(): Promise<void> {
    await this.#archive.scan((entries) => {
      for (const entry of entries) indexSummary(this.#archived, entry);
    });
    for (const [id, file] of this.#open) {
      const archived = this.#archived.get(id);
      if (!archived) continue;
      if (resolveDuplicate(file.data, archived) === 'archivedWins') {
        this.#open.delete(id);
        await this.#openFiles.remove(id);
      } else this.#archived.delete(id);
    }
    // No write runs before the index exists (they wait for it before taking their lock), so these moves cannot wait on one.
    const moves = [...this.#open].filter(([, file]) => isArchivable(file.data)).map(([id]) => this.#scheduleMove(id));
    await Promise.all(moves);
  }

  /**
   * Resolves once the archive is indexed. The index is built on the first call, by the first
   * command or read that needs it (docs/architecture.md#storage), so start-up costs the open work,
   * not the history.
   */
  #indexed(): Promise<void> {
    if (!this.#indexing) {
      this.#indexing = this.#indexArchive();
      this.#indexing.catch((error: unknown) => this.#log('indexing the archive failed; reads of closed referrals will fail until a restart', error));
    }
    return this.#indexing;
  }

  /** Lets writes and archive moves under way (and queued) finish; later writes are refused. */
  close(): Promise<void> {
    if (!this.#closing) {
      const wasOpen = this.#gate.phase !== 'new';
      this.#gate.phase = 'closing';
      this.#closing = (async () => {
        if (wasOpen) {
          await this.#indexing?.catch(() => undefined);
          await this.whenIdle();
        }
        await this.#releaseOwner?.();
        this.#gate.phase = 'closed';
      })();
    }
    return this.#closing;
  }

  async get(id: string): Promise<ReferralRecord | undefined> {
    this.#gate.assertOpened('get');
    const open = this.#open.get(id)?.data;
    if (open) return open;
    await this.#indexed();
    return this.#open.get(id)?.data ?? (await this.#readArchived(id));
  }

  /** Whether the id is stored, open or archived. */
  async has(id: string): Promise<boolean> {
    this.#gate.assertOpened('has');
    if (this.#open.has(id)) return true;
    await this.#indexed();
    return this.#open.has(id) || this.#archived.has(id);
  }

  async list(filter: ListFilter = {}): Promise<Referral[]> {
    this.#gate.assertOpened('list');
    return (await this.listRecords(filter)).map((record) => record.referral);
  }

  async listRecords(filter: ListFilter = {}): Promise<ReferralRecord[]> {
    this.#gate.assertOpened('listRecords');
    const since = filter.updatedSince === undefined ? undefined : Date.parse(filter.updatedSince);
    if (since !== undefined && Number.isNaN(since)) throw new Error(`list: updatedSince "${filter.updatedSince}" is not a date`);
    // An archived summary written before updatedDateTime was indexed has none: read it to be sure.
    const recent = (updated: string | undefined) => since === undefined || updated === undefined || Date.parse(updated) >= since;
    const matches = (status: string, substatus: string) =>
      (filter.status === undefined || filter.status === status) && (filter.substatus === undefined || filter.substatus === substatus);
    // Only closed referrals are ever archived: a filter for open work never walks the history.
    const withArchive = filter.status === undefined || filter.status === 'Closed';
    if (withArchive) await this.#indexed();
    type Hit = { id: string; received: number; record?: ReferralRecord; segment?: number };
    const hits: Hit[] = [];
    for (const [id, file] of this.#open) {
      const { status, substatus, receivedDateTime, updatedDateTime } = file.data.referral;
      if (matches(status, substatus) && recent(updatedDateTime)) hits.push({ id, received: Date.parse(receivedDateTime), record: file.data });
    }
    if (withArchive) {
      for (const [id, entry] of this.#archived) {
        const { status, substatus, receivedDateTime, updatedDateTime } = entry.summary;
        if (matches(status, substatus) && recent(updatedDateTime)) hits.push({ id, received: Date.parse(receivedDateTime), segment: entry.segment });
      }
    }
    hits.sort((a, b) => b.received - a.received || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Read each segment once, whatever order its referrals come in (the cache holds only a few).
    const bySegment = new Map<number, Hit[]>();
    for (const hit of hits) {
      if (hit.segment === undefined) continue;
      const group = bySegment.get(hit.segment);
      if (group) group.push(hit);
      else bySegment.set(hit.segment, [hit]);
    }
    for (const [segment, segmentHits] of bySegment) {
      const view = await this.#archive.read(segment);
      for (const hit of segmentHits) hit.record = view.byId.get(hit.id);
    }
    // The recheck drops what an old summary (without updatedDateTime) let through.
    return hits.flatMap((hit) => (hit.record && recent(hit.record.referral.updatedDateTime) ? [hit.record] : []));
  }

  openRecords(): ReferralRecord[] {
    this.#gate.assertOpened('openRecords');
    return Array.from(this.#open.values(), (file) => file.data);
  }

  /**
   * Read-modify-write of one referral. `change` gets a private copy (it may mutate it); the
   * record it returns is written durably before the promise resolves. The records the store
   * hands out elsewhere are frozen: change them only through commitCommand() / updateDelivery().
   */
  commitCommand<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T> {
    const refused = this.#gate.refuseWrite('commitCommand');
    if (refused) return Promise.reject(refused);
    return this.#indexed().then(() => this.#locks.run(id, () => this.#readModifyWrite(id, change)));
  }

  updateDelivery<T>(id: string, change: (current: ReferralRecord | undefined) => DeliveryMutation<T> | Promise<DeliveryMutation<T>>): Promise<T> {
    const refused = this.#gate.refuseWrite('updateDelivery');
    if (refused) return Promise.reject(refused);
    return this.#indexed().then(() => this.#locks.run(id, () => this.#readModifyWrite(id, asRecordChange(id, change))));
  }

  readState(): BotState {
    this.#gate.assertOpened('readState');
    // A copy: the state holds conversation references that SDK code may modify in place.
    return structuredClone(this.#state.current);
  }

  updateState<T>(change: (state: BotState) => { state?: BotState; result: T }): Promise<T> {
    const refused = this.#gate.refuseWrite('updateState');
    if (refused) return Promise.reject(refused);
    return this.#stateLock.run(STATE_KEY, async () => {
      const outcome = await change(structuredClone(this.#state.current));
      if (outcome?.state !== undefined) await this.#state.write(outcome.state);
      return outcome.result;
    });
  }

  /** Calls `listener` after each durable referral write; returns a function that unsubscribes. */
  onChange(listener: RecordListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async stats(): Promise<{ open: number; archived: number }> {
    await this.#indexed();
    return { open: this.#open.size, archived: this.#archived.size };
  }

  /**
   * Bulk import (`npm run store -- copy`, and the benchmarks' fixtures): open records become files,
   * finished ones (closed, empty outbox) go straight into full archive segments. Takes no
   * per-referral locks and calls no listeners: the embedded store has one owner, and it is the
   * importer (owner.lock). Refuses, writing nothing, when an id is already stored.
   */
  async importRecords(records: readonly ReferralRecord[]): Promise<void> {
    const refused = this.#gate.refuseWrite('importRecords');
    if (refused) throw refused;
    await this.#indexed();
    const seen = new Set<string>();
    const copies = records.map((record, index) => {
      assertRecord(record, `importRecords: record ${index}`);
      const id = record.referral.id;
      if (seen.has(id) || this.#open.has(id) || this.#archived.has(id)) throw new Error(`importRecords: referral ${id} is already stored`);
      seen.add(id);
      return frozenJsonCopy(record);
    });
    const finished = copies.filter(isArchivable);
    const open = copies.filter((record) => !isArchivable(record));
    const [files, segments] = await Promise.all([this.#openFiles.writeMany(open), Promise.all(finished.map((record) => this.#archive.append(record)))]);
    for (const file of files) this.#open.set(file.data.referral.id, file);
    finished.forEach((record, index) => indexArchived(this.#archived, segments[index]!, record));
  }

  /** Resolves once no write or archive move is under way or queued (tests, graceful shutdown). */
  async whenIdle(): Promise<void> {
    while (this.#locks.busyKeys + this.#stateLock.busyKeys > 0) await Promise.all([this.#locks.drain(), this.#stateLock.drain()]);
  }

  /** How many archive segments exist and which are in memory now. */
  archiveStats(): { segments: number; cachedSegments: number[] } {
    return { segments: this.#archive.segmentCount, cachedSegments: this.#archive.cachedSegments() };
  }

  async #readModifyWrite<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T> {
    const open = this.#open.get(id)?.data;
    const archived = open ? undefined : await this.#readArchived(id);
    const current = open ?? archived;
    const mutation = await change(current === undefined ? undefined : structuredClone(current));
    if (mutation === null || typeof mutation !== 'object') throw new Error(`update(${id}): the change function must return { record?, result }`);
    if (mutation.record === undefined) return mutation.result;
    if (archived) throw new Error(`referral ${id} is archived (closed); it cannot change`);
    assertRecord(mutation.record, `update(${id})`, id);
    // Keep what a restart would read (a JSON round trip), and keep it away from the caller's object.
    const record = frozenJsonCopy(mutation.record);
    this.#open.set(id, await this.#openFiles.write(id, record));
    notifyListeners(this.#listeners, record, this.#log);
    if (isArchivable(record)) this.#scheduleMove(id);
    return mutation.result;
  }

  async #readArchived(id: string): Promise<ReferralRecord | undefined> {
    const entry = this.#archived.get(id);
    if (!entry) return undefined;
    const record = (await this.#archive.read(entry.segment)).byId.get(id);
    if (!record) throw new Error(`referral ${id} is indexed in archive segment ${entry.segment} but is not in it`);
    return record;
  }

  /**
   * Queues the move of a finished referral to the archive on its own lock: it runs after the
   * write that closed it has resolved (off the caller's path), and any later update of the id
   * waits for it and then finds the archived copy.
   */
  #scheduleMove(id: string): Promise<void> {
    return this.#locks
      .run(id, () => this.#move(id))
      .catch((error: unknown) => {
        // The record stays open and correct; the next open() retries the move.
        this.#log(`moving referral ${id} to the archive failed`, error);
      });
  }

  async #move(id: string): Promise<void> {
    const record = this.#open.get(id)?.data;
    if (!record || !isArchivable(record)) return;
    // Durable in the segment first, then gone from open/: a crash in between leaves two equal
    // copies, and open() keeps the archived one.
    const segment = await this.#archive.append(record);
    this.#archived.set(id, { summary: summaryOf(record), segment, version: record.referral.version });
    this.#open.delete(id);
    await this.#openFiles.remove(id);
  }
}
