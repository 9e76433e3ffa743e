// A lowdb Adapter for one JSON file that survives crashes: every write goes to a temp file, is
// fsynced and renamed over the old one (write-file-atomic), then the directory is fsynced. JSON is
// written compact: indentation grows with nesting, so pretty-printing let a small body of nested
// arrays become a file many times its size (docs/architecture.md#hardening).

import { open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import writeFileAtomic from 'write-file-atomic';

export interface DurableJsonFileOptions {
  /** fsync the file and its directory before write() resolves. Default true. */
  fsync?: boolean;
}

export class DurableJsonFile<T> implements Adapter<T> {
  readonly #fsync: boolean;

  constructor(
    readonly filename: string,
    options: DurableJsonFileOptions = {},
  ) {
    this.#fsync = options.fsync ?? true;
  }

  /** The parsed file, or null when it does not exist (lowdb then keeps its default data). */
  async read(): Promise<T | null> {
    const file = await this.readIfExists();
    return file.found ? (file.value as T) : null;
  }

  /** Tells a missing file from one that holds `null`, which read() cannot. */
  async readIfExists(): Promise<{ found: false } | { found: true; value: unknown }> {
    let text: string;
    try {
      text = await readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { found: false };
      throw error;
    }
    try {
      return { found: true, value: JSON.parse(text) };
    } catch (error) {
      // Atomic writes never leave a torn file, so this is damage from outside: say where, stop.
      throw new Error(`${this.filename} is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.filename, JSON.stringify(data), { fsync: this.#fsync, mode: PRIVATE_FILE_MODE });
    // The rename is only durable once the directory entry is: without this a power cut can bring
    // back the previous file (or no file, for a new record) after update() said "written".
    if (this.#fsync) await syncDirectory(path.dirname(this.filename));
  }
}

/**
 * Records hold customers' names, e-mail addresses and phone numbers: only the service's own user
 * reads them (docs/architecture.md#security), whatever the umask.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Windows cannot open or fsync a directory; rename there is already as durable as it gets.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * write-file-atomic writes `<target>.<number>` and renames it over the target; a crash (SIGKILL,
 * power loss) can leave that temp file behind, possibly half written. It never holds the only copy.
 */
export function isTempLeftover(fileName: string): boolean {
  return /\.json\.\d+$/.test(fileName);
}

/** Deletes a crash's leftover temp files in `dir` (call only while nobody writes there); returns their names. */
export async function removeTempLeftovers(dir: string): Promise<string[]> {
  const leftovers = (await readdir(dir)).filter(isTempLeftover);
  await Promise.all(leftovers.map((name) => rm(path.join(dir, name), { force: true })));
  return leftovers;
}
