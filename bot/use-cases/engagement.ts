// Referrals of one Partner Center engagement (the same engagementId) kept together
// (docs/architecture.md#related-referrals): a referral taken in while another of its engagement
// is open names that one as its first, so the planner posts its card in that card's thread; then
// the first referral's card is told of it through its own command (linkRelated).

import type { Command } from '../../referrals/commands.js';
import type { RelatedReferral, Rfi } from '../../referrals/model.js';
import { applyCommand, type CommandDeps, type CommandOptions, type CommandResult } from './apply-command.js';

/** The earliest open referral of `rfi`'s engagement, other than itself. */
export function firstOfEngagement(deps: Pick<CommandDeps, 'store'>, rfi: Rfi): RelatedReferral | undefined {
  const engagementId = rfi.engagementId;
  if (engagementId === undefined || engagementId.trim() === '') return undefined;
  const first = deps.store
    .openRecords()
    .map((record) => record.referral)
    .filter((referral) => referral.engagementId === engagementId && referral.id !== rfi.id && referral.status !== 'Closed')
    .sort((a, b) => Date.parse(a.receivedDateTime) - Date.parse(b.receivedDateTime) || (a.id < b.id ? -1 : 1))[0];
  return first && { id: first.id, name: first.name };
}

/** takeIn through the one path, with the engagement's first referral found and told. */
export async function takeInWithEngagement(
  deps: CommandDeps,
  command: Extract<Command, { type: 'takeIn' }>,
  options: CommandOptions = {},
): Promise<CommandResult> {
  const first = firstOfEngagement(deps, command.rfi);
  const taken = await applyCommand(deps, command.rfi.id, { ...command, ...(first && { firstOfEngagement: first }) }, options);
  if (taken.ok && first) {
    const referral = taken.record.referral;
    // Closed meanwhile, or told already: the later referral's card still stands on its own.
    await applyCommand(deps, first.id, { type: 'linkRelated', related: { id: referral.id, name: referral.name } });
  }
  return taken;
}
