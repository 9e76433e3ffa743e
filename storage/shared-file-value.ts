// A shared value as a file in DATA_DIR (storage/shared-value.ts): `{ version, value }`, written
// atomically (0600), its compare-and-set made whole across processes by a lock file created with
// O_EXCL. A lock left by a process that died is taken over after LOCK_STALE_MS.

import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import writeFileAtomic from 'write-file-atomic';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './durable-json-file.js';
import type { SharedValue, Versioned } from './shared-value.js';

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/** Files an older version wrote hold the value itself, with no version: they read as version 0. */
function parse(raw: string): Versioned {
  try {
    const stored = JSON.parse(raw) as Partial<Versioned>;
    if (typeof stored.version === 'number' && typeof stored.value === 'string') return { version: stored.version, value: stored.value };
  } catch {
    // not ours: handed over as it is, for the reader to judge
  }
  return { version: 0, value: raw };
}

export class FileSharedValue implements SharedValue {
  readonly where: string;
  readonly watchDir: string;
  readonly #lock: string;

  constructor(dataDir: string, name: string) {
    this.watchDir = path.join(dataDir, 'partner-center');
    this.where = path.join(this.watchDir, `${name}.json`);
    this.#lock = `${this.where}.lock`;
  }

  async read(): Promise<Versioned | undefined> {
    let raw: string;
    try {
      raw = await readFile(this.where, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parse(raw);
  }

  async write(value: string, expected: number): Promise<boolean> {
    return this.#locked(async () => {
      const current = (await this.read())?.version ?? 0;
      if (current !== expected) return false;
      await this.#put({ version: expected + 1, value });
      return true;
    });
  }

  async moveAside(current: Versioned, stamp: string): Promise<string> {
    const aside = this.where.replace(/\.json$/, `.unreadable-${stamp}.json`);
    await this.#locked(async () => {
      await rename(this.where, aside).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await this.#put({ version: current.version + 1, value: '' });
    });
    return aside;
  }

  async close(): Promise<void> {}

  async #put(stored: Versioned): Promise<void> {
    await writeFileAtomic(this.where, JSON.stringify(stored), { mode: PRIVATE_FILE_MODE });
  }

  async #locked<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(path.dirname(this.where), { recursive: true, mode: PRIVATE_DIR_MODE });
    const until = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(this.#lock, 'wx', PRIVATE_FILE_MODE);
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(this.#lock).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        if (age > LOCK_STALE_MS) await rm(this.#lock, { force: true });
        else if (Date.now() > until) throw new Error(`${this.#lock} is held by another process`);
        else await sleep(20);
      }
    }
    try {
      return await work();
    } finally {
      await rm(this.#lock, { force: true });
    }
  }
}
