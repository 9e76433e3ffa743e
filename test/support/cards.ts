// Test support for the card tests: the official `adaptivecards` parser at version 1.5, a walk over
// a card's actions and texts, and referrals in every state of both flows built with the real core
// (decide + evolve). Not a spec file.

import { createRequire } from 'node:module';
import type { Command } from '../../referrals/commands.js';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';
import type { Flow, Referral, Rfi } from '../../referrals/model.js';
import { ALICE, BOB, HOUR, policyFor } from './builders.js';

export { ALICE, BOB, DAY, HOUR, policyFor, stateOf } from './builders.js';

// The package's lib/ build does not load under Node's ESM loader; its UMD bundle does (docs/architecture.md#test-kit).

const AC: any = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js');

/** The pattern the adaptivecards renderer uses for {{DATE()}} / {{TIME()}} (no fractional seconds). */
const DATE_TIME_TOKEN = /^\{\{(DATE|TIME)\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})(?:, ?(COMPACT|LONG|SHORT))?\)\}\}$/;

/** Properties the SDK does not model but Teams reads; absent from its round trip by design. */
const HOST_PROPERTIES = new Set(['msteams']);

function missingInRoundTrip(input: unknown, output: unknown, path: string, problems: string[]): void {
  if (input !== null && typeof input === 'object') {
    if (output === null || typeof output !== 'object') {
      problems.push(`round trip lost ${path}`);
      return;
    }
    if (Array.isArray(input)) {
      if (!Array.isArray(output) || output.length !== input.length) {
        problems.push(`round trip changed the length of ${path}`);
        return;
      }
      input.forEach((item, i) => missingInRoundTrip(item, output[i], `${path}[${i}]`, problems));
      return;
    }
    for (const [key, value] of Object.entries(input)) {
      if (HOST_PROPERTIES.has(key) || key === '$schema') continue;
      // The SDK drops values equal to its defaults (e.g. associatedInputs "auto", style "default").
      if (!(key in (output as Record<string, unknown>))) {
        if (['default', 'auto', 'Default'].includes(String(value))) continue;
        problems.push(`round trip dropped ${path}.${key} = ${JSON.stringify(value)}`);
        continue;
      }
      missingInRoundTrip(value, (output as Record<string, unknown>)[key], `${path}.${key}`, problems);
    }
    return;
  }
  if (input !== output && String(input).toLowerCase() !== String(output).toLowerCase()) {
    problems.push(`round trip changed ${path}: ${JSON.stringify(input)} → ${JSON.stringify(output)}`);
  }
}

/**
 * Everything wrong with a card: parse events of the official SDK at version 1.5, its property
 * validation (duplicate ids, required inputs without label or error message, …), anything the SDK
 * dropped or changed on a round trip (unknown or invalid values), unexpanded `${…}` bindings, and
 * {{DATE}}/{{TIME}} tokens Teams would not recognise.
 */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`parse: ${event.message} (event ${event.event})`);
  }
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message} (event ${event.event})`);
  const out = parsed.toJSON(new AC.SerializationContext(AC.Versions.v1_5));
  missingInRoundTrip(card, out, '$', problems);

  const json = JSON.stringify(card);
  if (json.includes('${')) problems.push('unexpanded ${…} binding');
  for (const text of texts(card)) {
    for (const token of text.match(/\{\{[^}]*\}\}/g) ?? []) {
      if (!DATE_TIME_TOKEN.test(token)) problems.push(`bad date token ${token}`);
    }
  }
  return problems;
}

export interface FoundAction {
  type: string;
  verb?: string;
  title?: string;
  data?: Record<string, unknown>;
  associatedInputs?: string;
  style?: string;
  /** Where: 'refresh', or 'body' for an ActionSet in the body, or 'actions' for card-level actions. */
  where: 'refresh' | 'body' | 'actions';
}

/** Every action of a card (body ActionSets at any depth, card-level actions, refresh). */
export function actionsOf(card: Record<string, unknown>): FoundAction[] {
  const found: FoundAction[] = [];
  const visit = (node: unknown, where: FoundAction['where']): void => {
    if (Array.isArray(node)) {
      node.forEach((item) => visit(item, where));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record['type'] === 'string' && (record['type'] as string).startsWith('Action.')) {
      found.push({ ...(record as object), where } as FoundAction);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'data') visit(value, where);
  };
  visit(card['body'], 'body');
  visit(card['actions'], 'actions');
  const refresh = card['refresh'] as { action?: unknown } | undefined;
  if (refresh?.action) visit(refresh.action, 'refresh');
  return found;
}

/** The buttons a person sees: actions in the body and card-level actions (not the refresh). */
export function buttonsOf(card: Record<string, unknown>): FoundAction[] {
  return actionsOf(card).filter((action) => action.where !== 'refresh');
}

/** Every element of the body, depth first. */
export function elementsOf(card: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record['type'] === 'string') found.push(record);
    for (const [key, value] of Object.entries(record)) if (key !== 'data') visit(value);
  };
  visit(card['body']);
  return found;
}

/** The inputs of a card, in order. */
export function inputsOf(card: Record<string, unknown>): Record<string, unknown>[] {
  return elementsOf(card).filter((element) => String(element['type']).startsWith('Input.'));
}

/** All visible strings of a card (texts, titles, labels, fact titles and values, placeholders). */
export function texts(node: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item));
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'data') visit(v, k);
      return;
    }
    if (typeof value === 'string' && key && ['text', 'title', 'label', 'placeholder', 'errorMessage', 'value'].includes(key)) found.push(value);
  };
  visit(node);
  return found;
}

/** The whole card as one string (for "does it show X?"). */
export const shown = (card: unknown): string => texts(card).join('\n');

// ---------------------------------------------------------------------------------------------
// Referrals in every state, built with the real lifecycle core.

export const T0 = Date.parse('2026-03-02T09:00:00.000Z');
export const at = (hours: number): Date => new Date(T0 + hours * HOUR);
export const iso = (hours: number): string => at(hours).toISOString();

export const CUSTOMER_EMAIL = 'chris@contoso.example';
export const CUSTOMER_PHONE = '+49 30 1234567';

export function cardRfi(overrides: Partial<Rfi> = {}): Rfi {
  return {
    id: 'rfi-42',
    engagementId: 'eng-42',
    name: 'Contoso Teams rollout',
    type: 'Independent',
    createdDateTime: new Date(T0).toISOString(),
    customerProfile: {
      name: 'Contoso Ltd',
      size: 'Size51to250employees',
      address: { city: 'Berlin', country: 'DE' },
      team: [{ firstName: 'Chris', lastName: 'Customer', email: CUSTOMER_EMAIL, phoneNumber: CUSTOMER_PHONE }],
    },
    consent: { consentToContact: true },
    details: {
      notes: 'We need help rolling out Teams for 400 seats.',
      currency: 'EUR',
      requirements: {
        products: [{ id: 'Microsoft365' }, { name: 'Teams Phone' }],
        solutions: [{ id: 'SOL-ModernWork', name: 'Modern Work', type: 'Category' }],
        industries: [{ id: 'Manufacturing' }],
      },
    },
    ...overrides,
  };
}

export const URGENT_RFI = (): Rfi => cardRfi({ callToAction: 'ContactMe' });

export type Step = readonly [hours: number, command: Command];

export function run(flow: Flow, steps: readonly Step[], rfi: Rfi = cardRfi()): Referral {
  const policy = policyFor(flow);
  let referral: Referral | undefined;
  for (const [hours, command] of [[0, { type: 'takeIn', rfi }] as Step, ...steps]) {
    const decision = decide(referral, command, at(hours), policy);
    if (!decision.ok) throw new Error(`${command.type} at +${hours} h: ${decision.error.message}`);
    referral = applyEvents(referral, decision.events);
  }
  if (!referral) throw new Error('no referral');
  return referral;
}

/** The close date the accept commands set: a day, stored as its 00:00 UTC (as the forms store it). */
const CLOSE = '2026-06-30T00:00:00.000Z';
/**
 * When that close date has passed and the close-date reminder falls due: 00:00 UTC the next day
 * (2026-07-01), in hours after T0 (120 d 15 h). Not on 30 Jun itself.
 */
export const CLOSE_DATE_PASSED_HOURS = (Date.parse('2026-07-01T00:00:00.000Z') - T0) / HOUR;
export const ACCEPT: Command = {
  type: 'accept',
  actor: ALICE,
  fields: {
    name: 'Contoso Teams rollout',
    dealValue: 50_000,
    currency: 'EUR',
    closingDateTime: CLOSE,
    notes: 'Rollout for 400 seats',
    externalReferenceId: 'CRM-42',
  },
  contacts: [{ firstName: 'Carol', lastName: 'Partner', email: 'carol@partner.example' }],
};
export const ACCEPT_CLASSIC: Command = { type: 'accept', actor: ALICE, fields: { dealValue: 20_000, currency: 'EUR', closingDateTime: CLOSE }, contacts: [] };
export const ACCEPT_SMALL: Command = {
  type: 'accept',
  actor: ALICE,
  fields: { name: 'Small deal', dealValue: 5_000, currency: 'USD', closingDateTime: CLOSE },
  contacts: [],
};

export interface Scenario {
  name: string;
  flow: Flow;
  referral: Referral;
  /** When the card is rendered. */
  now: Date;
}

/** Every state of both flows (and the variants the card shows differently). */
export function scenarios(): Scenario[] {
  const s = (name: string, flow: Flow, steps: readonly Step[], rfi?: Rfi, nowHours?: number): Scenario => {
    const referral = run(flow, steps, rfi);
    const last = steps.length > 0 ? steps[steps.length - 1]![0] : 0;
    return { name, flow, referral, now: at(nowHours ?? last + 1) };
  };
  return [
    s('inbox New/Pending', 'inbox', []),
    s('inbox New/Pending urgent', 'inbox', [], URGENT_RFI()),
    s(
      'inbox New/Pending urgent, still waiting',
      'inbox',
      [
        [25, { type: 'remind' }],
        [72, { type: 'changeUrgency' }],
      ],
      URGENT_RFI(),
    ),
    s('inbox New/Pending reminded (overdue)', 'inbox', [[25, { type: 'remind' }]]),
    s('inbox New/Pending expires soon', 'inbox', [
      [25, { type: 'remind' }],
      [12 * 24, { type: 'warnExpiry' }],
    ]),
    s('inbox Active/Accepted', 'inbox', [[2, ACCEPT]]),
    s('inbox Active/Accepted urgent', 'inbox', [[2, ACCEPT]], URGENT_RFI()),
    s('inbox Active/Accepted edited, contact added', 'inbox', [
      [2, ACCEPT],
      [5, { type: 'editEngagement', actor: ALICE, changes: { dealValue: 75_000, notes: 'Scope grew to 600 seats' } }],
      [6, { type: 'addContact', actor: ALICE, contact: { firstName: 'Dan', lastName: 'Partner', phoneNumber: '+49 30 999999' } }],
    ]),
    s(
      'inbox Active/Accepted close date passed',
      'inbox',
      [
        [2, ACCEPT],
        [CLOSE_DATE_PASSED_HOURS, { type: 'remindCloseDate' }],
      ],
      undefined,
      CLOSE_DATE_PASSED_HOURS + 24,
    ),
    s('inbox Closed/Declined', 'inbox', [[3, { type: 'decline', actor: BOB, reason: 'NotACustomer', notes: 'A student project' }]]),
    s('inbox Closed/Expired', 'inbox', [[14 * 24, { type: 'expire' }]]),
    s('inbox Closed/Won (eligible, registered)', 'inbox', [
      [2, ACCEPT],
      [
        100,
        {
          type: 'won',
          actor: ALICE,
          dealRegistration: { contractSignedDate: '2026-03-05T00:00:00.000Z', customerTenantId: '6f1a2b3c-1234-4abc-8def-0123456789ab' },
        },
      ],
    ]),
    s('inbox Closed/Won (not eligible)', 'inbox', [
      [2, ACCEPT_SMALL],
      [100, { type: 'won', actor: ALICE }],
    ]),
    s('inbox Closed/Lost', 'inbox', [
      [2, ACCEPT],
      [100, { type: 'lost', actor: ALICE, reason: 'CustomerChoseAnotherVendor', notes: 'Went with the incumbent' }],
    ]),
    s('classic New/Pending', 'classic', []),
    s('classic New/Pending urgent', 'classic', [], URGENT_RFI()),
    s('classic New/Received', 'classic', [[3, { type: 'interested', actor: BOB }]]),
    s('classic Active/Accepted', 'classic', [
      [3, { type: 'interested', actor: BOB }],
      [30, ACCEPT_CLASSIC],
    ]),
    s('classic Closed/Skipped (No thanks)', 'classic', [[3, { type: 'noThanks', actor: BOB }]]),
    s('classic Closed/Skipped (no answer)', 'classic', [
      [25, { type: 'remind' }],
      [72, { type: 'skip' }],
    ]),
    s('classic Closed/Declined', 'classic', [
      [3, { type: 'interested', actor: BOB }],
      [30, { type: 'decline', actor: BOB, reason: 'TimelineTooShort' }],
    ]),
    s('classic Closed/Expired', 'classic', [
      [3, { type: 'interested', actor: BOB }],
      [3 + 7 * 24, { type: 'expire' }],
    ]),
    s('classic Closed/Won', 'classic', [
      [3, { type: 'interested', actor: BOB }],
      [30, ACCEPT_CLASSIC],
      [200, { type: 'won', actor: ALICE }],
    ]),
    s('classic Closed/Lost', 'classic', [
      [3, { type: 'interested', actor: BOB }],
      [30, ACCEPT_CLASSIC],
      [200, { type: 'lost', actor: ALICE, reason: 'BudgetNotAdequate' }],
    ]),
  ];
}
