// Small helpers the storage tests share: open a store in a fresh temp dir, write a record,
// and look at the files on disk the way an operator (or a restart) would.

import { readFile } from 'node:fs/promises';
import { LowdbStore, type LowdbStoreOptions } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';

export { filesUnder, snapshot } from './data-dir.js';

export async function openStore(dataDir: string, options: Partial<LowdbStoreOptions> = {}): Promise<LowdbStore> {
  const store = new LowdbStore({ dataDir, ...options });
  await store.open();
  return store;
}

/** Writes `record` as the referral's new state (a blind write through commitCommand()). */
export function put(store: LowdbStore, record: ReferralRecord): Promise<void> {
  return store.commitCommand(record.referral.id, () => ({ record, result: undefined }));
}

export async function readJson<T = unknown>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
