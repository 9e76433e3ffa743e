// The one path for every change: a command (RFI intake, card action, timer) is decided by the
// lifecycle core against the stored referral, and the events, the new state and the messages they
// cause are written in one store write.

import type { Command } from '../../referrals/commands.js';
import { LifecycleError } from '../../referrals/errors.js';
import type { ReferralEvent } from '../../referrals/events.js';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Referral } from '../../referrals/model.js';
import type { Policy } from '../../referrals/policy.js';
import { conflictingChangesSince } from '../../referrals/staleness.js';
import { randomUUID } from 'node:crypto';
import { partnerCenterPatch } from '../../referrals/partner-center.js';
import type { PartnerCenterLink, ReferralRecord, Store } from '../../storage/store.js';
import type { MessagePlanner } from '../outbox/planner.js';
import type { Clock } from '../clock.js';
import type { Display } from '../../cards/display.js';

/** What a change must send: decided inside the same write, so a crash cannot separate the two. */
export type { ChangeToPlan, MessagePlanner, PlannedMessages } from '../outbox/planner.js';

export interface CommandDeps {
  store: Store;
  policy: Policy;
  clock: Clock;
  plan: MessagePlanner;
  /** Units of a currency per 1 USD (USD_RATES): the deal-registration threshold and the pipeline total. */
  usdRates?: Readonly<Record<string, number>>;
  /** The Partner Center connection is on: decisions on referrals from Partner Center queue a write there. */
  writeToPartnerCenter?: boolean;
  /** How every view shows moments and links (DISPLAY_TIME_ZONE, PARTNER_CENTER_REFERRAL_URL). */
  display: Display;
}

export type CommandResult =
  | { ok: true; record: ReferralRecord; events: ReferralEvent[] }
  /** error.code 'Stale': the actor's card showed an older version and `staleSince` conflicts with the command. */
  | { ok: false; error: LifecycleError; record: ReferralRecord | undefined; staleSince?: ReferralEvent[] };

export interface CommandOptions {
  /** The referral version the actor's card showed: checked inside the write, so two clicks cannot both apply. */
  expectedVersion?: number;
  /** What Partner Center just said of this referral (its resource and eTag), kept in the same write. */
  fromPartnerCenter?: Pick<PartnerCenterLink, 'eTag' | 'resource' | 'syncedAt' | 'eventAt'>;
}

/** The Partner Center writes the new events cause, after those already queued. */
function linkAfter(
  current: ReferralRecord | undefined,
  referral: Referral,
  events: readonly ReferralEvent[],
  deps: CommandDeps,
  options: CommandOptions,
  now: Date,
) {
  const link: PartnerCenterLink | undefined = current?.partnerCenter ?? (referral.source === 'partnerCenter' ? { writes: [] } : undefined);
  if (!link) return undefined;
  const writes = [...link.writes];
  if (deps.writeToPartnerCenter && referral.source === 'partnerCenter') {
    const firstIndex = referral.history.length - events.length;
    events.forEach((event, offset) => {
      if (partnerCenterPatch(event))
        writes.push({ id: randomUUID(), eventIndex: firstIndex + offset, createdAt: now.toISOString(), attempts: 0, state: 'pending' });
    });
  }
  return { ...link, ...options.fromPartnerCenter, writes };
}

export function applyCommand(deps: CommandDeps, id: string, command: Command, options: CommandOptions = {}): Promise<CommandResult> {
  return deps.store.commitCommand<CommandResult>(id, async (current) => {
    if (current && options.expectedVersion !== undefined) {
      const staleSince = conflictingChangesSince(current.referral, options.expectedVersion);
      if (staleSince.length > 0) {
        const error = new LifecycleError('Stale', command.type, current.referral, `${command.type}: the card showed version ${options.expectedVersion}`);
        return { result: { ok: false, error, staleSince, record: current } };
      }
    }
    const now = deps.clock();
    const decision = decide(current?.referral, command, now, deps.policy);
    if (!decision.ok) return { result: { ok: false, error: decision.error, record: current } };
    const referral = applyEvents(current?.referral, decision.events);
    const planned = await deps.plan({ before: current, referral, events: decision.events, command, now });
    const card = planned.card ?? current?.card;
    const partnerCenter = linkAfter(current, referral, decision.events, deps, options, now);
    const record: ReferralRecord = {
      referral,
      outbox: [...(current?.outbox ?? []), ...planned.outbox],
      ...(card && { card }),
      ...(partnerCenter && { partnerCenter }),
    };
    return { record, result: { ok: true, record, events: decision.events } };
  });
}
