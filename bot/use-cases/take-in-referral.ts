// Intake of one RFI: validate, then take it in through the lifecycle core. Idempotent: Partner
// Center retries deliveries, so an id already taken in returns the stored referral unchanged.

import { validateRfi, type FieldProblem } from '../../referrals/rfi-schema.js';
import type { Referral } from '../../referrals/model.js';
import type { CommandDeps } from './apply-command.js';
import { takeInWithEngagement } from './engagement.js';

export type IntakeResult =
  { outcome: 'created'; referral: Referral } | { outcome: 'duplicate'; referral: Referral } | { outcome: 'invalid'; problems: FieldProblem[] };

export async function takeInReferral(deps: CommandDeps, body: unknown): Promise<IntakeResult> {
  const validation = validateRfi(body);
  if (!validation.ok) return { outcome: 'invalid', problems: validation.problems };
  const result = await takeInWithEngagement(deps, { type: 'takeIn', rfi: validation.rfi });
  if (result.ok) return { outcome: 'created', referral: result.record.referral };
  if (result.error.code === 'AlreadyExists' && result.record) return { outcome: 'duplicate', referral: result.record.referral };
  throw result.error;
}
