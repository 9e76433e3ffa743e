// Shared fixtures for the lifecycle and timer tests: a fixed clock origin (the core never reads
// the clock), actors, an RFI factory, command builders and `step`/`refusal` wrappers around
// decide() + evolve(). Not a spec file (mocha loads *.test.ts only).

import { expect } from 'chai';
import type { Command, CommandType, NextAssignee } from '../../referrals/commands.js';
import type { LifecycleErrorCode } from '../../referrals/errors.js';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Actor, Flow, Referral, Rfi } from '../../referrals/model.js';
import type { Policy } from '../../referrals/policy.js';
import { ALICE, BOB, HOUR, policyFor } from './builders.js';

export { ALICE, BOB, DAY, HOUR, MARY, MINUTE, policyFor, stateOf } from './builders.js';

/** The RFI arrives (takeIn) at T0 unless a test says otherwise. */
export const T0 = Date.parse('2024-03-04T09:00:00.000Z');
/** A Date `ms` after T0. */
export const at = (ms: number): Date => new Date(T0 + ms);
/** The ISO string of `ms` after T0. */
export const iso = (ms: number): string => at(ms).toISOString();

export function lifecycleRfi(overrides: Partial<Rfi> = {}): Rfi {
  return {
    id: 'rfi-1',
    engagementId: 'eng-1',
    type: 'Independent',
    qualification: 'SalesQualified',
    customerProfile: {
      name: 'Contoso Ltd',
      address: { city: 'Berlin', country: 'DE' },
      team: [{ firstName: 'Chris', lastName: 'Customer', email: 'chris@contoso.example' }],
    },
    consent: { consentToContact: true },
    details: { notes: 'Wants a Teams rollout', requirements: { products: [{ id: 'Microsoft365' }] } },
    ...overrides,
  };
}

/**
 * The close date that `command('accept')` sets: a day, stored as that day's 00:00 UTC as the forms
 * store it; 2024-04-03, 30 days after T0's day.
 */
export const CLOSE_DATE = '2024-04-03T00:00:00.000Z';
/** CLOSE_DATE in ms after T0 (30 d − 9 h). */
export const CLOSE_DATE_MS = Date.parse(CLOSE_DATE) - T0;
/**
 * When that close date counts as passed and the first close-date reminder falls due: the start of
 * the next UTC day, 2024-04-04 00:00 (30 d + 15 h after T0). The deal is not overdue on the day itself.
 */
export const CLOSE_DATE_PASSED_MS = Date.parse('2024-04-04T00:00:00.000Z') - T0;

/** The next assignee as the bot would pick them: `who`, two hours to answer from T0. */
export function nextAssignee(who: Actor, answerByMs = 2 * HOUR): Extract<NextAssignee, { assignee: unknown }> {
  return { assignee: { id: who.id, name: who.name }, answerBy: iso(answerByMs), windowMs: 2 * HOUR, skipped: [] };
}

/** A command of `type` with a typical payload, acted by `actor`. */
export function command(type: CommandType, actor: Actor = ALICE, asManager?: boolean): Command {
  const person = { actor, ...(asManager !== undefined && { asManager }) };
  switch (type) {
    case 'takeIn':
      return { type, rfi: lifecycleRfi() };
    case 'syncFromPartnerCenter':
      return { type, resource: { ...lifecycleRfi(), status: 'Closed', substatus: 'Won' } };
    case 'interested':
    case 'noThanks':
      return { type, ...person };
    case 'accept':
      return {
        type,
        ...person,
        fields: {
          name: 'Contoso Teams rollout',
          dealValue: 50_000,
          currency: 'EUR',
          closingDateTime: CLOSE_DATE,
          notes: 'Rollout for 400 seats',
          externalReferenceId: 'CRM-42',
        },
        contacts: [{ firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example' }],
      };
    case 'decline':
      return { type, ...person, reason: 'NotACustomer', notes: 'A student project' };
    case 'won':
      return { type, ...person };
    case 'lost':
      return { type, ...person, reason: 'CustomerChoseAnotherVendor', notes: 'Went with the incumbent' };
    case 'editEngagement':
      return { type, ...person, changes: { dealValue: 75_000, notes: 'Scope grew to 600 seats' } };
    case 'addContact':
      return { type, ...person, contact: { firstName: 'Dan', lastName: 'Partner', phoneNumber: '+49 30 123456' } };
    case 'assign':
    case 'assignTimeout':
      return { type, next: nextAssignee(actor) };
    case 'pass':
      return { type, ...person, next: nextAssignee(BOB) };
    case 'handOver':
      return { type, ...person, to: BOB };
    case 'reassign':
      return { type, ...person, asManager: true, next: nextAssignee(BOB) };
    case 'linkRelated':
      return { type, related: { id: 'rfi-related', name: 'Contoso Teams rollout (Microsoft)' } };
    default:
      return { type };
  }
}

/** decide() must accept the command; returns the referral with its events folded in. */
export function step(referral: Referral | undefined, cmd: Command, now: Date, policy: Policy): Referral {
  const decision = decide(referral, cmd, now, policy);
  if (!decision.ok) throw new Error(`expected ${cmd.type} at ${now.toISOString()} to succeed, got ${decision.error.message}`);
  expect(decision.events, `${cmd.type} events`).to.have.length.greaterThan(0);
  const next = applyEvents(referral, decision.events);
  if (!next) throw new Error('no referral after events');
  return next;
}

/** decide() must refuse the command; returns the error code (and checks the referral was not touched). */
export function refusal(referral: Referral | undefined, cmd: Command, now: Date, policy: Policy): LifecycleErrorCode {
  const before = structuredClone(referral);
  const decision = decide(referral, cmd, now, policy);
  if (decision.ok) throw new Error(`expected ${cmd.type} at ${now.toISOString()} to be refused, got ${decision.events.map((e) => e.type).join(', ')}`);
  expect(decision.error.command).to.equal(cmd.type);
  expect(referral, 'decide() must not mutate the referral').to.deep.equal(before);
  return decision.error.code;
}

/** A path after takeIn: [hours after T0, command type]. */
export type Path = ReadonlyArray<readonly [hours: number, type: CommandType]>;

/** Takes the RFI in at T0 in `flow`, then runs `path` (all by ALICE). */
export function reach(flow: Flow, path: Path, rfi: Rfi = lifecycleRfi(), policy: Policy = policyFor(flow)): Referral {
  let referral = step(undefined, { type: 'takeIn', rfi }, at(0), policy);
  for (const [hours, type] of path) referral = step(referral, command(type), at(hours * HOUR), policy);
  return referral;
}
