// Who may act on a referral and who may see it: the one definition of each rule, asked by the
// lifecycle core, the card actions and the text commands alike (docs/architecture.md#who-may-act).

import type { Referral } from './model.js';

/**
 * The owner-or-manager rule: while a referral is Active, only the person who accepted it (its
 * owner) or a manager acts on it. New referrals are anyone's to answer; closed ones nobody's.
 */
export function mayAct(referral: Pick<Referral, 'status' | 'owner'>, actorId: string, isManager: boolean): boolean {
  return referral.status !== 'Active' || isManager || referral.owner?.id === actorId;
}

/** Where someone looks at referrals from, and who they are. */
export interface Viewer {
  /** channel: the referrals posted there; personal: one person's chat; groupChat: visible to everyone in it. */
  scope: 'channel' | 'personal' | 'groupChat';
  /** The conversation key of that place (`channel:…` or `user:…`). */
  place: string;
  /** The asker's AAD object id, when known. */
  actorId?: string;
  isManager: boolean;
}

/**
 * Whether `viewer` may see a referral (its card shows customer contacts): in a channel, the
 * referrals whose card lives in that channel; in a personal chat, a manager sees every referral;
 * anyone else (and everyone in a group chat, where the answer is visible to all) sees the ones
 * they own, acted on or were assigned. The bot does not know channel membership, so a seller sees no more.
 */
export function mayView(referral: Pick<Referral, 'owner' | 'history' | 'assignment'>, postedIn: string | undefined, viewer: Viewer): boolean {
  if (viewer.scope === 'channel') return postedIn === viewer.place;
  if (viewer.scope === 'personal' && viewer.isManager) return true;
  const actorId = viewer.actorId;
  if (actorId === undefined) return false;
  return (
    referral.owner?.id === actorId || referral.assignment?.tried.includes(actorId) === true || referral.history.some((event) => event.actor?.id === actorId)
  );
}
