// Moving in (docs/deploy.md#moving-an-embedded-store-to-postgresql): copies every referral and the
// bot-wide state from one store into another, idempotently. A referral already in the target with
// the same version is left as it is; one with another version is a conflict, reported and never
// overwritten. Afterwards it reads the target back and checks every referral arrived.

import { isDeepStrictEqual } from 'node:util';
import { isArchivable } from './record-rules.js';
import type { ReferralRecord, Store, BotState } from './store.js';

export interface CopyReport {
  referrals: number;
  copied: number;
  alreadyThere: number;
  conflicts: string[];
  open: number;
  archived: number;
  conversations: number;
  routes: number;
  state: 'copied' | 'alreadyThere' | 'keptTarget';
  /** Referrals of the source found in the target with the source's version, read back after the copy. */
  verified: number;
}

/** A state the bot starts with: no channel, no route, no setting, nothing queued. */
const isEmpty = (state: BotState) =>
  Object.keys(state.conversations).length === 0 && state.routes.length === 0 && Object.keys(state.settings).length === 0 && state.outbox.length === 0;

/** Every referral's version in `store`: one read of the whole store, not one per referral. */
async function versions(store: Store): Promise<Map<string, number>> {
  return new Map((await store.listRecords()).map((record) => [record.referral.id, record.referral.version]));
}

export async function copyStore(from: Store, to: Store): Promise<CopyReport> {
  const records = await from.listRecords();
  const there = await versions(to);
  const fresh: ReferralRecord[] = [];
  const report: CopyReport = {
    referrals: records.length,
    copied: 0,
    alreadyThere: 0,
    conflicts: [],
    open: 0,
    archived: 0,
    conversations: 0,
    routes: 0,
    state: 'copied',
    verified: 0,
  };
  for (const record of records) {
    if (isArchivable(record)) report.archived++;
    else report.open++;
    const version = there.get(record.referral.id);
    if (version === undefined) fresh.push(record);
    else if (version === record.referral.version) report.alreadyThere++;
    else report.conflicts.push(`${record.referral.id} (here version ${record.referral.version}, there ${version})`);
  }
  await to.importRecords(fresh);
  report.copied = fresh.length;

  const source = from.readState();
  report.conversations = Object.keys(source.conversations).length;
  report.routes = source.routes.length;
  report.state = await to.updateState((target) => {
    // Key order differs (JSONB sorts keys): compare the values.
    if (isDeepStrictEqual(target, source)) return { result: 'alreadyThere' as const };
    if (!isEmpty(target)) return { result: 'keptTarget' as const };
    return { state: source, result: 'copied' as const };
  });

  const copied = await versions(to);
  report.verified = records.filter((record) => copied.get(record.referral.id) === record.referral.version).length;
  return report;
}
