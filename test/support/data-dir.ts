// What a data directory holds, as comparable snapshots: "nothing stored" and "the store is
// unchanged" are asserted on the files themselves, not on what the service says about them.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every file under `dir`, as paths relative to it, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
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
