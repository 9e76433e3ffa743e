// What may be asked of a referral: by the intake API, by a person on a card, or by a timer.
// Each goes through decide() in lifecycle.ts.

import type { Skip } from './assignment.js';
import type { Assignee } from './events.js';
import type { Actor, CloseReason, Contact, DealRegistration, EngagementFields, FinalDeal, ReferralSource, RelatedReferral, Rfi } from './model.js';

/** A person's command. `asManager` lets a manager act on a referral someone else owns. */
interface PersonCommand {
  actor: Actor;
  asManager?: boolean;
}

export type PersonCommandType =
  'interested' | 'noThanks' | 'accept' | 'decline' | 'won' | 'lost' | 'editEngagement' | 'addContact' | 'pass' | 'reassign' | 'handOver';

/**
 * Who takes a referral next, chosen outside the core's write from the channel's pool
 * (referrals/assignment.ts chooseAssignee) and checked by decide(): nobody gets it twice.
 */
export type NextAssignee = { assignee: Assignee; answerBy: string; windowMs: number; skipped: Skip[] } | { nobody: true; skipped: Skip[] };

export type TimerCommandType = 'remind' | 'warnExpiry' | 'changeUrgency' | 'expire' | 'skip' | 'remindCloseDate' | 'escalate';

/** Every timer a referral can have: the plain ones, and the assignee's window (its command carries the next person). */
export type TimerType = TimerCommandType | 'assignTimeout';

export type Command =
  /** `firstOfEngagement`: the open referral of the same engagement taken in before, found by the caller. */
  | { type: 'takeIn'; rfi: Rfi; source?: ReferralSource; firstOfEngagement?: RelatedReferral }
  /** A later referral of this one's engagement arrived: the card names it (linked from the thread it is posted in). */
  | { type: 'linkRelated'; related: RelatedReferral }
  /** Partner Center's current resource for a referral the bot has (webhook or poll). */
  | { type: 'syncFromPartnerCenter'; resource: Rfi }
  | (PersonCommand & { type: 'interested' })
  | (PersonCommand & { type: 'noThanks' })
  | (PersonCommand & { type: 'accept'; fields: EngagementFields; contacts: Contact[] })
  | (PersonCommand & { type: 'decline'; reason: CloseReason; notes?: string })
  /** `final`: the deal's final value and the day it closed (the Won form asks both; absent: the estimate stands). */
  | (PersonCommand & { type: 'won'; dealRegistration?: DealRegistration; final?: FinalDeal })
  | (PersonCommand & { type: 'lost'; reason: CloseReason; notes?: string })
  | (PersonCommand & { type: 'editEngagement'; changes: EngagementFields })
  | (PersonCommand & { type: 'addContact'; contact: Contact })
  /** The first assignment of a referral its channel's pool takes. */
  | { type: 'assign'; next: NextAssignee }
  /** The assignee passes it on ("not for me"). */
  | (PersonCommand & { type: 'pass'; next: NextAssignee })
  /** A manager gives the referral to one person of the pool, whoever has it now. */
  | (PersonCommand & { type: 'reassign'; next: Extract<NextAssignee, { assignee: unknown }> })
  /** The owner (or a manager) hands an accepted deal over to another person, who owns it from then on. */
  | (PersonCommand & { type: 'handOver'; to: Actor })
  /** The assignee's window ran out: on to the next (a timer, with the next person chosen). */
  | { type: 'assignTimeout'; next: NextAssignee }
  | { type: TimerCommandType };

export type CommandType = Command['type'];

export const TIMER_COMMANDS: readonly TimerCommandType[] = ['remind', 'warnExpiry', 'changeUrgency', 'expire', 'skip', 'remindCloseDate', 'escalate'];

export function isTimerCommand(command: Command): command is { type: TimerCommandType } {
  return (TIMER_COMMANDS as readonly string[]).includes(command.type);
}
