// Shared test builders: time units, the people who act, a policy per flow, and how a state reads.
// Suites build RFIs and "a referral in state X" on top of these with the real lifecycle core
// (lifecycle.ts `reach`, cards.ts `run`, records.ts).

import type { Actor, Flow, Referral } from '../../referrals/model.js';
import { DEFAULT_POLICY, type Policy } from '../../referrals/policy.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The day `days` from today (UTC) as card forms send it, YYYY-MM-DD: a date that never expires with the calendar. */
export const inDays = (days: number): string => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

export const ALICE: Actor = { id: 'aad-alice', name: 'Alice Seller' };
export const BOB: Actor = { id: 'aad-bob', name: 'Bob Seller' };
export const MARY: Actor = { id: 'aad-mary', name: 'Mary Manager' };

export const policyFor = (flow: Flow, overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, flow, ...overrides });

/** `Status/Substatus`, as tables write a state. */
export const stateOf = (referral: Pick<Referral, 'status' | 'substatus'>): string => `${referral.status}/${referral.substatus}`;
