// open/: one small lowdb file per open referral, named by a hash of its id, so writing one referral
// costs the same however many others are open or archived.

import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile, PRIVATE_DIR_MODE, removeTempLeftovers } from './durable-json-file.js';
import { deepFreeze } from './frozen-json.js';
import { OPEN_FILE_PATTERN, openFileName } from './layout.js';
import { mapWithLimit } from './map-with-limit.js';
import { assertRecord } from './record-rules.js';
import type { ReferralRecord } from './store.js';

/** How many files open() reads, or seed() writes, at once. */
const PARALLEL_FILES = 32;

export class OpenRecordFiles {
  constructor(readonly dir: string) {}

  pathOf(id: string): string {
    return path.join(this.dir, openFileName(id));
  }

  #file(id: string, record: ReferralRecord): Low<ReferralRecord> {
    return new Low<ReferralRecord>(new DurableJsonFile(this.pathOf(id)), record);
  }

  /** Reads every open record (frozen), after removing a crash's temp files. */
  async scan(): Promise<Low<ReferralRecord>[]> {
    await mkdir(this.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await removeTempLeftovers(this.dir);
    const names = (await readdir(this.dir)).filter((name) => OPEN_FILE_PATTERN.test(name));
    return mapWithLimit(names, PARALLEL_FILES, async (name) => {
      const file = new Low<ReferralRecord | null>(new DurableJsonFile(path.join(this.dir, name)), null);
      await file.read();
      const record = file.data;
      assertRecord(record, `open/${name}`);
      const id = record.referral.id;
      // A file under another id's name would be shadowed or overwritten later: refuse it now.
      if (openFileName(id) !== name) throw new Error(`open/${name} holds referral ${id}, whose file is ${openFileName(id)}`);
      deepFreeze(record);
      return file as Low<ReferralRecord>;
    });
  }

  /** Writes the record durably; resolves with its lowdb handle only once it is on disk. */
  async write(id: string, record: ReferralRecord): Promise<Low<ReferralRecord>> {
    const file = this.#file(id, record);
    await file.write();
    return file;
  }

  async writeMany(records: readonly ReferralRecord[]): Promise<Low<ReferralRecord>[]> {
    return mapWithLimit(records, PARALLEL_FILES, (record) => this.write(record.referral.id, record));
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }
}
