// The start-up check that a directory takes durable writes: a store that opened on a read-only
// or full disk would answer every request that needs a write with an error while /healthz says
// ok. Found at start, it is one clear message instead (docs/architecture.md#hardening).

import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { PRIVATE_DIR_MODE, syncDirectory } from './durable-json-file.js';

export const PROBE_FILE = '.write-probe';

/**
 * Creates each directory (in order) if needed, private to the service's user (a folder an older
 * version made 0755 is made 0700), then writes, fsyncs and removes a small file in it; throws
 * naming the first that refuses.
 */
export async function ensureWritableDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const file = path.join(dir, PROBE_FILE);
    try {
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
      await chmod(dir, PRIVATE_DIR_MODE);
      await writeFileAtomic(file, String(process.pid), { fsync: true });
      await syncDirectory(dir);
      await rm(file, { force: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`${dir} does not take writes (${code}): the store needs a writable directory`, { cause: error });
    }
  }
}
