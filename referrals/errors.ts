// Typed errors of the lifecycle core. Every illegal move is one of these, never a silent no-op.

import type { CommandType } from './commands.js';
import type { Status, Substatus } from './model.js';

export type LifecycleErrorCode =
  /** takeIn for an id that is already stored. */
  | 'AlreadyExists'
  /** Any command but takeIn on a referral that does not exist. */
  | 'NotFound'
  /** The command does not apply to this state in this flow. */
  | 'IllegalTransition'
  /** The referral is closed: archived, no further edits. */
  | 'Closed'
  /** Only the owner (who accepted) or a manager may do this. */
  | 'NotOwner'
  /** Only the person a referral is assigned to may pass it on. */
  | 'NotAssignee'
  /** A timer asked before its due time, or whose reason is gone. */
  | 'NotDue'
  /** Asked from a card showing an older version, and what happened since conflicts with the command. */
  | 'Stale'
  /** A change from Partner Center that the referral already shows (or one behind it: our own write not yet there). */
  | 'Unchanged';

export class LifecycleError extends Error {
  constructor(
    readonly code: LifecycleErrorCode,
    readonly command: CommandType,
    readonly state?: { status: Status; substatus: Substatus },
    message?: string,
  ) {
    super(message ?? `${command}: ${code}${state ? ` (referral is ${state.status}/${state.substatus})` : ''}`);
    this.name = 'LifecycleError';
  }
}
