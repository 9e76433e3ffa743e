// Hand over (docs/architecture.md#who-may-act): the owner of an Active deal, or a manager, gives it
// to another member of its channel. Who may be chosen comes from Teams' own member list (the
// caller passes it); Partner Center has no owner field, so nothing is written there.

import type { Actor } from '../../referrals/model.js';
import type { ReferralRecord } from '../../storage/store.js';
import { applyCommand, type CommandDeps, type CommandResult } from './apply-command.js';

export interface Member {
  /** AAD object id. */
  id: string;
  name: string;
}

/** The members a deal may go to: everyone Teams lists in its channel but its owner. */
export function handOverChoices(record: ReferralRecord, members: readonly Member[]): Member[] {
  return members.filter((member) => member.id !== record.referral.owner?.id);
}

/** Hands the deal to `to` (one of `members`); undefined when `to` is none of them. */
export async function handOver(
  deps: CommandDeps,
  record: ReferralRecord,
  actor: Actor,
  asManager: boolean,
  to: string,
  members: readonly Member[],
  version: number,
): Promise<CommandResult | undefined> {
  const member = handOverChoices(record, members).find((candidate) => candidate.id === to);
  if (!member) return undefined;
  return applyCommand(deps, record.referral.id, { type: 'handOver', actor, asManager, to: { id: member.id, name: member.name } }, { expectedVersion: version });
}
