// Takes in what Partner Center says of one referral (a fetched or listed resource) through the one
// path: a new referral is a takeIn from Partner Center; a known one a syncFromPartnerCenter command
// that the core decides (docs/architecture.md#partner-center). The resource and its eTag are kept
// in the same write, with the receipt time of the webhook event the fetch answers (which settles that
// event: link-state.ts); when the core has nothing to change, only they are recorded.

import { validateRfi, type FieldProblem } from '../../referrals/rfi-schema.js';
import { isArchivable } from '../../storage/record-rules.js';
import { applyCommand, type CommandDeps } from '../use-cases/apply-command.js';
import { takeInWithEngagement } from '../use-cases/engagement.js';

export type AdoptOutcome =
  { outcome: 'created' | 'updated'; id: string } | { outcome: 'unchanged'; id: string } | { outcome: 'invalid'; id?: string; problems: FieldProblem[] };

export async function adoptResource(
  deps: CommandDeps,
  resource: Record<string, unknown>,
  eTag: string | undefined,
  now: Date,
  eventAt?: string,
): Promise<AdoptOutcome> {
  const validation = validateRfi(resource);
  if (!validation.ok) return { outcome: 'invalid', ...(typeof resource['id'] === 'string' && { id: resource['id'] }), problems: validation.problems };
  const rfi = validation.rfi;
  const seen = { ...(eTag !== undefined && { eTag }), resource, syncedAt: now.toISOString(), ...(eventAt !== undefined && { eventAt }) };
  const known = (await deps.store.get(rfi.id)) !== undefined;
  if (!known) {
    const taken = await takeInWithEngagement(deps, { type: 'takeIn', rfi, source: 'partnerCenter' }, { fromPartnerCenter: seen });
    if (taken.ok) return { outcome: 'created', id: rfi.id };
    if (taken.error.code !== 'AlreadyExists') throw taken.error;
  }
  const synced = await applyCommand(deps, rfi.id, { type: 'syncFromPartnerCenter', resource: rfi }, { fromPartnerCenter: seen });
  if (synced.ok) return { outcome: 'updated', id: rfi.id };
  if (synced.error.code !== 'Unchanged' && synced.error.code !== 'Closed') throw synced.error;
  await deps.store.updateDelivery(rfi.id, (current) => {
    // A closed referral with nothing left to send is (or is about to be) archived: history, not to be touched.
    if (!current || isArchivable(current)) return { result: undefined };
    const link = current.partnerCenter ?? { writes: [] };
    return { delivery: { outbox: current.outbox, partnerCenter: { ...link, ...seen } }, result: undefined };
  });
  return { outcome: 'unchanged', id: rfi.id };
}
