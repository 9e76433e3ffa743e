// What happened to a referral: the entries of its history (the audit trail). The current state
// is the fold of these (see evolve.ts); nothing else sets a status.

import type { Skip } from './assignment.js';
import type {
  Actor,
  CloseReason,
  Contact,
  DealRegistration,
  EngagementFields,
  FinalDeal,
  Flow,
  ReferralSource,
  RelatedReferral,
  Rfi,
  Status,
  Substatus,
} from './model.js';

interface EventBase {
  /** ISO 8601 time of the event. */
  at: string;
  actor?: Actor;
}

export type ReferralEvent =
  | (EventBase & {
      type: 'received';
      rfi: Rfi;
      flow: Flow;
      expirationDateTime: string;
      urgent: boolean;
      source?: ReferralSource;
      firstOfEngagement?: RelatedReferral;
    })
  /** A later referral of the same engagement arrived (posted in this card's thread). */
  | (EventBase & { type: 'relatedArrived'; related: RelatedReferral })
  | (EventBase & { type: 'interested'; actor: Actor; expirationDateTime: string })
  | (EventBase & { type: 'accepted'; actor: Actor; fields: EngagementFields; contacts: Contact[] })
  | (EventBase & { type: 'declined'; actor: Actor; reason: CloseReason; notes?: string })
  /** "No thanks" when an actor is present; the SKIP_AFTER timer when not. */
  | (EventBase & { type: 'skipped' })
  | (EventBase & { type: 'won'; actor: Actor; dealRegistration?: DealRegistration; final?: FinalDeal })
  | (EventBase & { type: 'lost'; actor: Actor; reason: CloseReason; notes?: string })
  | (EventBase & { type: 'engagementEdited'; actor: Actor; changes: EngagementFields })
  | (EventBase & { type: 'contactAdded'; actor: Actor; contact: Contact })
  | (EventBase & { type: 'reminded' })
  | (EventBase & { type: 'expiryWarned' })
  | (EventBase & { type: 'urgencyChanged' })
  | (EventBase & { type: 'expired' })
  | (EventBase & { type: 'closeDatePassed'; closingDateTime: string })
  /** Given to one person of the channel's pool; `actor`: a manager reassigned it. `skipped`: who was passed over, and why. */
  | (EventBase & { type: 'assigned'; assignee: Assignee; answerBy: string; windowMs: number; skipped: Skip[] })
  /** The deal changed hands: `to` owns it from now on (`actor`: the owner or a manager who did it). */
  | (EventBase & { type: 'handedOver'; actor: Actor; from?: Actor; to: Actor })
  /** The assignee said "not for me". */
  | (EventBase & { type: 'assignmentPassed'; actor: Actor })
  /** The assignee did not answer within the window. */
  | (EventBase & { type: 'assignmentTimedOut' })
  /** Managers were told: nobody left in the pool, no decision within ASSIGN_ESCALATE_AFTER, or nobody could take it at all. */
  | (EventBase & { type: 'escalated'; why: EscalationReason; skipped?: Skip[] })
  /** Partner Center shows a later state, or newer engagement fields, than the bot (a colleague, Microsoft, its own expiry). */
  | (EventBase & { type: 'changedInPartnerCenter'; status?: Status; substatus?: Substatus; statusReason?: string; changes?: EngagementFields });

export type Assignee = Actor & { teamsId?: string };

export const ESCALATION_REASONS = ['nobodyLeft', 'noDecision', 'unassignable'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export type ReferralEventType = ReferralEvent['type'];
