// One process owns a DATA_DIR at a time (docs/architecture.md#storage): the embedded store keeps
// its indexes and state in memory, so a second `npm start` on the same folder would answer 404 for
// what the first took in and overwrite its files. The owner holds `owner.lock` (its pid, host and
// start time, created with O_EXCL); another process refuses to open, naming the holder. A lock
// whose process is gone from this host is stale and taken over; one from another host cannot be
// checked from here, so it is named, and removed by hand once that host is known to be down.

import { open, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './durable-json-file.js';

export const OWNER_LOCK_FILE = 'owner.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export class StoreLockedError extends Error {
  constructor(
    readonly holder: LockHolder,
    file: string,
  ) {
    super(`it is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); stop that process first, or, if it is gone, delete ${file}`);
    this.name = 'StoreLockedError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function holderOf(file: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string' && typeof holder.since === 'string') return holder as LockHolder;
  } catch {
    // gone meanwhile, or torn by a crash while it was written: not a holder
  }
  return undefined;
}

/** A holder that is certainly gone: this host, and its pid is ours (a restarted container) or no longer runs. */
function isStale(holder: LockHolder): boolean {
  return holder.host === os.hostname() && (holder.pid === process.pid || !isRunning(holder.pid));
}

/** Takes `dataDir`'s lock; resolves with its release. Throws StoreLockedError while another process holds it. */
export async function acquireOwnerLock(dataDir: string, now: Date = new Date()): Promise<() => Promise<void>> {
  const file = path.join(dataDir, OWNER_LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), since: now.toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx', PRIVATE_FILE_MODE);
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return async () => {
        // Only our own lock: never one a later owner took over.
        const holder = await holderOf(file);
        if (holder?.pid === me.pid && holder.host === me.host && holder.since === me.since) await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      const holder = await holderOf(file);
      if (holder && !isStale(holder)) throw new StoreLockedError(holder, file);
      await rm(file, { force: true });
    }
  }
}
