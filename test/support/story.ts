// Builds referrals the way the service would have: the real core (decide + evolve) applies each
// person's command at its time, and every timer that falls due before the next step (and before
// `until`) fires at its due time, as the scheduler would. Not a spec file.

import type { Command } from '../../referrals/commands.js';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Referral, Rfi } from '../../referrals/model.js';
import type { Policy } from '../../referrals/policy.js';
import { pendingTimers } from '../../referrals/timers.js';

export type Story = ReadonlyArray<readonly [at: Date, command: Command]>;

function apply(referral: Referral | undefined, command: Command, at: Date, policy: Policy): Referral {
  const decision = decide(referral, command, at, policy);
  if (!decision.ok) throw new Error(`${command.type} at ${at.toISOString()}: ${decision.error.message}`);
  return applyEvents(referral, decision.events);
}

/** Fires every timer due at or before `until`, each at its due time. */
export function settle(referral: Referral, until: Date, policy: Policy): Referral {
  let current = referral;
  for (let guard = 0; guard < 100; guard++) {
    if (current.status === 'Closed') return current;
    const next = pendingTimers(current, policy)[0];
    if (!next || Date.parse(next.dueAt) > until.getTime()) return current;
    const timer: Command = next.type === 'assignTimeout' ? { type: 'assignTimeout', next: { nobody: true, skipped: [] } } : { type: next.type };
    current = apply(current, timer, new Date(next.dueAt), policy);
  }
  throw new Error(`settle: ${referral.id} keeps firing timers`);
}

/** The RFI taken in at `receivedAt`, then the story, timers in between, settled up to `until`. */
export function tell(rfi: Rfi, receivedAt: Date, story: Story, until: Date, policy: Policy): Referral {
  let referral = apply(undefined, { type: 'takeIn', rfi }, receivedAt, policy);
  for (const [at, command] of story) {
    referral = settle(referral, new Date(at.getTime() - 1), policy);
    referral = apply(referral, command, at, policy);
  }
  return settle(referral, until, policy);
}
