// What may be asked of a referral: by the intake API, by a person on a card, or by a timer.
// Each goes through decide() in lifecycle.ts.

import type { Actor, CloseReason, Contact, DealRegistration, EngagementFields, ReferralSource, Rfi } from './model.js';

/** A person's command. `asManager` lets a manager act on a referral someone else owns. */
interface PersonCommand {
  actor: Actor;
  asManager?: boolean;
}

export type PersonCommandType = 'interested' | 'noThanks' | 'accept' | 'decline' | 'won' | 'lost' | 'editEngagement' | 'addContact';

export type TimerCommandType = 'remind' | 'warnExpiry' | 'changeUrgency' | 'expire' | 'skip' | 'remindCloseDate';

export type Command =
  | { type: 'takeIn'; rfi: Rfi; source?: ReferralSource }
  /** Partner Center's current resource for a referral the bot has (webhook or poll). */
  | { type: 'syncFromPartnerCenter'; resource: Rfi }
  | (PersonCommand & { type: 'interested' })
  | (PersonCommand & { type: 'noThanks' })
  | (PersonCommand & { type: 'accept'; fields: EngagementFields; contacts: Contact[] })
  | (PersonCommand & { type: 'decline'; reason: CloseReason; notes?: string })
  | (PersonCommand & { type: 'won'; dealRegistration?: DealRegistration })
  | (PersonCommand & { type: 'lost'; reason: CloseReason; notes?: string })
  | (PersonCommand & { type: 'editEngagement'; changes: EngagementFields })
  | (PersonCommand & { type: 'addContact'; contact: Contact })
  | { type: TimerCommandType };

export type CommandType = Command['type'];

export const TIMER_COMMANDS: readonly TimerCommandType[] = ['remind', 'warnExpiry', 'changeUrgency', 'expire', 'skip', 'remindCloseDate'];

export function isTimerCommand(command: Command): command is { type: TimerCommandType } {
  return (TIMER_COMMANDS as readonly string[]).includes(command.type);
}
