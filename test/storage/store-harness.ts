// Small helpers the storage tests share: open a store in a fresh temp dir, write a record,
// and look at the files on disk the way an operator (or a restart) would.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { LowdbStore, type LowdbStoreOptions } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';

export async function openStore(dataDir: string, options: Partial<LowdbStoreOptions> = {}): Promise<LowdbStore> {
  const store = new LowdbStore({ dataDir, ...options });
  await store.open();
  return store;
}

/** Writes `record` as the referral's new state (a blind write through commitCommand()). */
export function put(store: LowdbStore, record: ReferralRecord): Promise<void> {
  return store.commitCommand(record.referral.id, () => ({ record, result: undefined }));
}

/** Every file under `dir`, as paths relative to it, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

export async function readJson<T = unknown>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Content and mtime of every file under `dir`: what a write left untouched compares equal. */
export async function snapshot(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  for (const file of await filesUnder(dir)) {
    const full = path.join(dir, file);
    const [text, info] = await Promise.all([readFile(full, 'utf8'), stat(full)]);
    result.set(file, `${info.mtimeMs}:${text}`);
  }
  return result;
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
