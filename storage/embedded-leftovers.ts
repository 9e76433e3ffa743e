// An embedded store left behind by a move to PostgreSQL (docs/deploy.md#moving-an-embedded-store-to-postgresql):
// `npm run store -- copy` leaves a note in DATA_DIR when every referral arrived, and a bot started on
// DATABASE_URL asks whether DATA_DIR holds referrals that changed after that note (or has none).

import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from './durable-json-file.js';
import { layoutOf, segmentNumber } from './layout.js';

const NOTE = 'copied-to-postgresql.json';

/** After a copy that verified every referral: what it copied, and when. */
export async function noteCopied(dataDir: string, referrals: number, at: Date): Promise<void> {
  await writeFile(path.join(dataDir, NOTE), JSON.stringify({ copiedAt: at.toISOString(), referrals }), { mode: PRIVATE_FILE_MODE });
}

async function modified(file: string): Promise<number | undefined> {
  return stat(file).then(
    (info) => info.mtimeMs,
    () => undefined,
  );
}

/**
 * How many referral files DATA_DIR holds that no copy has taken (open files, archive segments), or
 * 0: none, or none changed since the last complete copy. Reads directory listings only.
 */
export async function uncopiedReferralFiles(dataDir: string): Promise<number> {
  const layout = layoutOf(dataDir);
  const names = async (dir: string) => readdir(dir).catch(() => [] as string[]);
  const files =
    (await names(layout.openDir)).filter((name) => name.endsWith('.json')).length +
    (await names(layout.archiveDir)).filter((name) => segmentNumber(name) !== undefined).length;
  if (files === 0) return 0;
  const copiedAt = await modified(path.join(dataDir, NOTE));
  if (copiedAt === undefined) return files;
  const changedAt = Math.max((await modified(layout.openDir)) ?? 0, (await modified(layout.archiveDir)) ?? 0);
  return changedAt > copiedAt ? files : 0;
}
