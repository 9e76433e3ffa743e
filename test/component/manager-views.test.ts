// Manager views end to end against the real server (fixed clock) and the fake Teams connector:
// a realistic mix of referrals (both flows, four sellers, four currencies, some overdue, two
// channels) is seeded with the real core (decide + evolve, timers fired as the scheduler would)
// and two more come in through the intake API and are answered through card actions. Then:
// every figure of `stats` against values computed here from the mix's own description, the
// filters of `list` and `my` in a channel and in personal chat (manager and seller), and the
// export (CSV round trip of awkward notes, JSON, ranges, errors, auth, routing).

import { fakeClock } from '../support/fake-clock.js';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { channelKey } from '../../storage/bot-state-reads.js';
import { t } from '../../cards/i18n.js';
import type { Command } from '../../referrals/commands.js';
import type { Flow, Referral, Substatus } from '../../referrals/model.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { type LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { tell } from '../support/story.js';
import { sendActivity, sendInvoke } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { postReferral, request, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import {
  cardAction,
  channelMention,
  fixture,
  installationUpdate,
  personalMessage,
  type FixtureChannel,
  type FixtureUser,
} from '../support/teams-activities.js';

const { anna, bruno, chen, dmitri, maria } = fixture.users;
const EMEA = fixture.team.emea;
const GENERAL = fixture.team.general;
const KEY = 'export-test-key';
const HOUR = 3_600_000;
/** Friday 20 March 2026, 10:00 UTC. */
const NOW = Date.parse('2026-03-20T10:00:00.000Z');
const ago = (hours: number) => new Date(NOW - hours * HOUR);

// -------------------------------------------------------------------------------------------------
// The mix, described by what happened (hours before NOW). The description is the test's oracle;
// the first test checks that the real core agrees with it.

interface Spec {
  id: string;
  channel: 'emea' | 'general';
  flow: Flow;
  customer: string;
  receivedAgo: number;
  /** The first person action, `afterMin` minutes after receipt. */
  first?: { by: FixtureUser; afterMin: number; kind: 'accept' | 'decline' | 'interested' | 'noThanks' };
  /** The deal (inbox: accepted with the first action; classic: accepted `acceptedAgo` hours before NOW). */
  deal?: { by: FixtureUser; value: number; currency: string; close: string; acceptedAgo?: number };
  closed?: { as: 'Won' | 'Lost' | 'Declined' | 'Skipped' | 'Expired'; ago: number };
  state: Substatus;
  notes?: string;
  urgent?: boolean;
  /** Taken in through the intake API and answered through a card action (not seeded). */
  http?: boolean;
}

const AWKWARD_NOTES = 'Needs "Azure, SQL" migration;\nphase 2: Teams rollout\r\nБюджет: 50 000 € — согласовано ✓';
const AWKWARD_DECLINE = 'Said "no, thanks",\ncall again in Q3';

const MIX: Spec[] = [
  {
    id: 'e01',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Alpine Dairy',
    receivedAgo: 900,
    first: { by: anna, afterMin: 90, kind: 'accept' },
    deal: { by: anna, value: 40_000, currency: 'EUR', close: '2026-03-10' },
    closed: { as: 'Won', ago: 600 },
    state: 'Won',
  },
  {
    id: 'e02',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Baltic Freight',
    receivedAgo: 800,
    first: { by: bruno, afterMin: 30, kind: 'accept' },
    deal: { by: bruno, value: 12_000, currency: 'USD', close: '2026-04-30' },
    closed: { as: 'Lost', ago: 100 },
    state: 'Lost',
  },
  {
    id: 'e03',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Cobalt Labs',
    receivedAgo: 700,
    first: { by: anna, afterMin: 120, kind: 'accept' },
    deal: { by: anna, value: 25_000, currency: 'EUR', close: '2026-03-25' },
    state: 'Accepted',
    notes: AWKWARD_NOTES,
  },
  {
    id: 'e04',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Delta Retail',
    receivedAgo: 650,
    first: { by: chen, afterMin: 1560, kind: 'decline' },
    closed: { as: 'Declined', ago: 624 },
    state: 'Declined',
  },
  { id: 'e05', channel: 'emea', flow: 'inbox', customer: 'Echo Media', receivedAgo: 600, closed: { as: 'Expired', ago: 264 }, state: 'Expired' },
  {
    id: 'e06',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Fjord Energy',
    receivedAgo: 500,
    first: { by: bruno, afterMin: 45, kind: 'accept' },
    deal: { by: bruno, value: 8_000, currency: 'GBP', close: '2026-03-01' },
    state: 'Accepted',
  },
  {
    id: 'e07',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Granite Bank',
    receivedAgo: 400,
    first: { by: anna, afterMin: 240, kind: 'accept' },
    deal: { by: anna, value: 30_000, currency: 'USD', close: '2026-06-30' },
    closed: { as: 'Won', ago: 50 },
    state: 'Won',
  },
  {
    id: 'e08',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Harbor Logistics',
    receivedAgo: 300,
    first: { by: dmitri, afterMin: 10, kind: 'accept' },
    deal: { by: dmitri, value: 15_000, currency: 'EUR', close: '2026-05-15' },
    state: 'Accepted',
  },
  {
    id: 'e09',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Iris Health',
    receivedAgo: 200,
    first: { by: chen, afterMin: 1200, kind: 'accept' },
    deal: { by: chen, value: 5_000, currency: 'EUR', close: '2026-03-18' },
    state: 'Accepted',
  },
  {
    id: 'e10',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Juniper Foods',
    receivedAgo: 100,
    first: { by: bruno, afterMin: 180, kind: 'decline' },
    closed: { as: 'Declined', ago: 97 },
    state: 'Declined',
  },
  { id: 'e11', channel: 'emea', flow: 'inbox', customer: 'Krypton Games', receivedAgo: 48, state: 'Pending' },
  { id: 'e12', channel: 'emea', flow: 'inbox', customer: 'Lumen Studio', receivedAgo: 30, state: 'Pending' },
  { id: 'e13', channel: 'emea', flow: 'inbox', customer: 'Maple Schools', receivedAgo: 5, state: 'Pending' },
  {
    id: 'e14',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Nordic Pharma',
    receivedAgo: 2,
    first: { by: anna, afterMin: 60, kind: 'accept' },
    deal: { by: anna, value: 9_000, currency: 'USD', close: '2026-04-15' },
    state: 'Accepted',
  },
  { id: 'e15', channel: 'emea', flow: 'inbox', customer: 'Orbit Air', receivedAgo: 20, state: 'Pending', urgent: true },
  {
    id: 'e16',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Pioneer Steel',
    receivedAgo: 1000,
    first: { by: chen, afterMin: 5, kind: 'decline' },
    closed: { as: 'Declined', ago: 1000 - 5 / 60 },
    state: 'Declined',
  },
  {
    id: 'c01',
    channel: 'emea',
    flow: 'classic',
    customer: 'Quartz Insurance',
    receivedAgo: 300,
    first: { by: dmitri, afterMin: 30, kind: 'interested' },
    deal: { by: dmitri, value: 18_000, currency: 'EUR', close: '2026-04-01', acceptedAgo: 290 },
    state: 'Accepted',
  },
  {
    id: 'c02',
    channel: 'emea',
    flow: 'classic',
    customer: 'Ruby Hotels',
    receivedAgo: 250,
    first: { by: chen, afterMin: 15, kind: 'noThanks' },
    closed: { as: 'Skipped', ago: 250 - 0.25 },
    state: 'Skipped',
  },
  { id: 'c03', channel: 'emea', flow: 'classic', customer: 'Sierra Mining', receivedAgo: 150, closed: { as: 'Skipped', ago: 78 }, state: 'Skipped' },
  {
    id: 'c04',
    channel: 'emea',
    flow: 'classic',
    customer: 'Tundra Outdoor',
    receivedAgo: 60,
    first: { by: anna, afterMin: 300, kind: 'interested' },
    state: 'Received',
  },
  {
    id: 'c05',
    channel: 'emea',
    flow: 'classic',
    customer: 'Umbra Security',
    receivedAgo: 500,
    first: { by: bruno, afterMin: 60, kind: 'interested' },
    deal: { by: bruno, value: 20_000, currency: 'USD', close: '2026-03-31', acceptedAgo: 480 },
    closed: { as: 'Lost', ago: 30 },
    state: 'Lost',
  },
  {
    id: 'g01',
    channel: 'general',
    flow: 'inbox',
    customer: 'Vega Robotics',
    receivedAgo: 100,
    first: { by: anna, afterMin: 10, kind: 'accept' },
    deal: { by: anna, value: 99_000, currency: 'EUR', close: '2026-04-20' },
    state: 'Accepted',
  },
  { id: 'g02', channel: 'general', flow: 'inbox', customer: 'Willow Care', receivedAgo: 50, state: 'Pending' },
  {
    id: 'g03',
    channel: 'general',
    flow: 'inbox',
    customer: 'Xenon Motors',
    receivedAgo: 200,
    first: { by: bruno, afterMin: 60, kind: 'accept' },
    deal: { by: bruno, value: 1_000, currency: 'CHF', close: '2026-03-19' },
    closed: { as: 'Won', ago: 20 },
    state: 'Won',
  },
  // Through the intake API and card actions:
  {
    id: 'h01',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Yarrow Textiles',
    receivedAgo: 3,
    first: { by: anna, afterMin: 120, kind: 'accept' },
    deal: { by: anna, value: 7_500, currency: 'EUR', close: '2026-05-01' },
    state: 'Accepted',
    notes: AWKWARD_NOTES,
    http: true,
  },
  {
    id: 'h02',
    channel: 'emea',
    flow: 'inbox',
    customer: 'Zephyr Wind',
    receivedAgo: 2,
    first: { by: bruno, afterMin: 30, kind: 'decline' },
    closed: { as: 'Declined', ago: 1.5 },
    state: 'Declined',
    http: true,
  },
];

const actor = (user: FixtureUser) => ({ id: user.aadObjectId, name: user.name });
const closeIso = (day: string) => `${day}T00:00:00.000Z`;
const firstAt = (spec: Spec) => spec.receivedAgo - spec.first!.afterMin / 60;
/** Hours before NOW the deal was accepted. */
function acceptedAgo(spec: Spec): number | undefined {
  if (!spec.deal) return undefined;
  return spec.deal.acceptedAgo ?? firstAt(spec);
}

function build(spec: Spec): Referral {
  const policy = { ...DEFAULT_POLICY, flow: spec.flow };
  const received = ago(spec.receivedAgo);
  const rfi = {
    id: spec.id,
    createdDateTime: received.toISOString(),
    customerProfile: { name: spec.customer, address: { country: 'DE' } },
    details: { ...(spec.notes !== undefined && { notes: spec.notes }) },
    ...(spec.urgent && { contactRequested: true }),
  };
  const accept = (): Command => ({
    type: 'accept',
    actor: actor(spec.deal!.by),
    fields: { name: `${spec.customer} deal`, dealValue: spec.deal!.value, currency: spec.deal!.currency, closingDateTime: closeIso(spec.deal!.close) },
    contacts: [],
  });
  const story: Array<readonly [Date, Command]> = [];
  if (spec.first) {
    const at = ago(firstAt(spec));
    const by = actor(spec.first.by);
    if (spec.first.kind === 'accept') story.push([at, accept()]);
    if (spec.first.kind === 'decline') story.push([at, { type: 'decline', actor: by, reason: 'CustomerDidNotRespond' }]);
    if (spec.first.kind === 'interested') story.push([at, { type: 'interested', actor: by }]);
    if (spec.first.kind === 'noThanks') story.push([at, { type: 'noThanks', actor: by }]);
  }
  if (spec.deal?.acceptedAgo !== undefined) story.push([ago(spec.deal.acceptedAgo), accept()]);
  if (spec.closed?.as === 'Won') story.push([ago(spec.closed.ago), { type: 'won', actor: actor(spec.deal!.by) }]);
  if (spec.closed?.as === 'Lost') story.push([ago(spec.closed.ago), { type: 'lost', actor: actor(spec.deal!.by), reason: 'CustomerChoseAnotherVendor' }]);
  return tell(rfi, received, story, new Date(NOW), policy);
}

// -------------------------------------------------------------------------------------------------
// The oracle: the figures of `stats`, computed from the descriptions (not from the referrals).

const dur = (minutes: number): string => {
  const m = Math.round(minutes);
  if (m >= 1440) {
    const h = Math.round(minutes / 60);
    return h % 24 === 0 ? `${h / 24} d` : `${Math.floor(h / 24)} d ${h % 24} h`;
  }
  if (m >= 60) return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  return `${m} min`;
};
const med = (values: number[]): number | undefined => {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const p90 = (values: number[]): number | undefined => [...values].sort((a, b) => a - b)[Math.ceil(0.9 * values.length) - 1];
const pct = (count: number, of: number) => (of === 0 ? '—' : `${Math.round((100 * count) / of)}% (${count} of ${of})`);
const money = (sums: Map<string, number>) =>
  sums.size === 0
    ? '—'
    : [...sums]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, value]) => `${currency}\u00a0${value.toLocaleString('en-GB')}`)
        .join(' · ');

interface Expected {
  received: number;
  states: Record<string, string>;
  facts: Record<string, string>;
  sellers: string[][];
}

function expectedStats(specs: Spec[], windowHours: number | undefined): Expected {
  const inWindow = (hoursAgo: number | undefined) => hoursAgo !== undefined && (windowHours === undefined || hoursAgo <= windowHours);
  const cohort = specs.filter((s) => inWindow(s.receivedAgo));
  const states: Record<string, string> = {};
  for (const s of cohort) {
    const title = t('en', `substatus.${s.state}`);
    states[title] = String(Number(states[title] ?? 0) + 1);
  }
  const responses = cohort.filter((s) => s.first).map((s) => s.first!.afterMin);
  const within = responses.filter((m) => m <= 24 * 60).length;
  const withinOf = cohort.filter((s) => s.first || s.receivedAgo >= 24).length;
  const accepted = specs.filter((s) => inWindow(acceptedAgo(s)));
  const closedAs = (as: string) => specs.filter((s) => s.closed?.as === as && inWindow(s.closed.ago));
  const [declined, expired, skipped, won, lost] = ['Declined', 'Expired', 'Skipped', 'Won', 'Lost'].map(closedAs) as Spec[][];
  const wonValue = new Map<string, number>();
  for (const s of won!) wonValue.set(s.deal!.currency, (wonValue.get(s.deal!.currency) ?? 0) + s.deal!.value);
  const open = specs.filter((s) => s.state === 'Accepted');
  const pipeline = new Map<string, number>();
  for (const s of open) pipeline.set(s.deal!.currency, (pipeline.get(s.deal!.currency) ?? 0) + s.deal!.value);
  const decided = accepted.length + declined!.length + expired!.length + skipped!.length;

  const sellers = new Map<string, { name: string; accepted: number; won: number; lost: number; responses: number[] }>();
  const row = (user: FixtureUser) => {
    if (!sellers.has(user.aadObjectId)) sellers.set(user.aadObjectId, { name: user.name, accepted: 0, won: 0, lost: 0, responses: [] });
    return sellers.get(user.aadObjectId)!;
  };
  for (const s of accepted) row(s.deal!.by).accepted++;
  for (const s of won!) row(s.deal!.by).won++;
  for (const s of lost!) row(s.deal!.by).lost++;
  for (const s of cohort) if (s.first) row(s.first.by).responses.push(s.first.afterMin);
  const sellerRows = [...sellers.values()]
    .sort((a, b) => b.won - a.won || b.accepted - a.accepted || a.name.localeCompare(b.name))
    .map((r) => {
      const m = med(r.responses);
      return [r.name, String(r.accepted), String(r.won), String(r.lost), m === undefined ? '—' : dur(m)];
    });
  const m = med(responses);
  const p = p90(responses);
  return {
    received: cohort.length,
    states,
    facts: {
      [t('en', 'stats.medianResponse')]: m === undefined ? '—' : dur(m),
      [t('en', 'stats.p90Response')]: p === undefined ? '—' : dur(p),
      [t('en', 'stats.answeredWithin', { duration: '24 h' })]: pct(within, withinOf),
      [t('en', 'stats.acceptanceRate')]: pct(accepted.length, decided),
      [t('en', 'stats.expired')]: String(expired!.length),
      [t('en', 'stats.winRate')]: pct(won!.length, won!.length + lost!.length),
      [t('en', 'stats.wonValue')]: money(wonValue),
      [t('en', 'stats.pipeline')]: open.length === 0 ? '—' : `${money(pipeline)} (open deals: ${open.length})`,
    },
    sellers: sellerRows,
  };
}

/** What the stats card shows, read back: facts by title, the state counts, the seller table. */
function readStatsCard(card: any): Expected {
  const elements: any[] = [];
  const walk = (node: any) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (typeof node.type === 'string') elements.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(card.body);
  const factsOf = (id: string) => Object.fromEntries((elements.find((e) => e.id === id)?.facts ?? []).map((f: any) => [f.title, f.value]));
  const states: Record<string, string> = {};
  for (const [title, value] of Object.entries(factsOf('stats-states'))) states[title.replace(/^\S+\s/, '')] = value as string;
  const table = elements.find((e) => e.id === 'stats-sellers');
  const sellers = (table?.rows ?? []).slice(1).map((r: any) => r.cells.map((c: any) => c.items[0].text));
  const heading = elements.find((e) => e.type === 'TextBlock' && /^Received in the period: \d+/.test(e.text));
  return {
    received: Number(/(\d+)/.exec(heading.text)![1]),
    states,
    facts: { ...factsOf('stats-response'), ...factsOf('stats-outcomes') },
    sellers,
  };
}

// -------------------------------------------------------------------------------------------------
// The oracle for lists: deadlines from the descriptions.

/** A referral's deadline in hours before NOW (negative: in the future) and whether it is overdue. */
function deadline(spec: Spec): { at: number; overdue: boolean } | undefined {
  if (spec.state === 'Pending') return { at: spec.receivedAgo - 24, overdue: spec.receivedAgo > 24 };
  if (spec.state === 'Received') return { at: firstAt(spec) - 7 * 24, overdue: false };
  if (spec.state === 'Accepted') {
    const close = Date.parse(closeIso(spec.deal!.close));
    return { at: (NOW - close) / HOUR, overdue: close < Date.parse('2026-03-20T00:00:00.000Z') };
  }
  return undefined;
}
const isOpen = (s: Spec) => ['Pending', 'Received', 'Accepted'].includes(s.state);
/** Most urgent first: overdue first, then by deadline (both: the earliest deadline = the most hours ago first). */
const urgent = (a: Spec, b: Spec) => {
  const da = deadline(a);
  const db = deadline(b);
  // A customer waiting to be contacted (urgent and still New) comes first.
  const asked = (s: Spec) => Number(!(s.urgent === true && (s.state === 'Pending' || s.state === 'Received')));
  return asked(a) - asked(b) || Number(!da?.overdue) - Number(!db?.overdue) || (db?.at ?? -Infinity) - (da?.at ?? -Infinity);
};
const closedAgo = (s: Spec) => s.closed?.ago ?? Infinity;

function expectedList(specs: Spec[], filter: string, me?: FixtureUser): string[] {
  const pick: Record<string, (s: Spec) => boolean> = {
    open: isOpen,
    new: (s) => s.state === 'Pending' || s.state === 'Received',
    active: (s) => s.state === 'Accepted',
    mine: (s) => (s.state === 'Accepted' && s.deal?.by === me) || (s.state === 'Received' && s.first?.by === me),
    overdue: (s) => isOpen(s) && deadline(s)?.overdue === true,
    archived: (s) => !isOpen(s),
  };
  const order: Record<string, (a: Spec, b: Spec) => number> = {
    new: (a, b) => a.receivedAgo - b.receivedAgo,
    archived: (a, b) => closedAgo(a) - closedAgo(b),
  };
  return specs
    .filter(pick[filter]!)
    .sort(order[filter] ?? urgent)
    .map((s) => s.id);
}

// -------------------------------------------------------------------------------------------------

describe('manager views: stats, list, my, export (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;
  const clock = fakeClock(NOW);

  before(async () => {
    fake = await startFakeConnector();
    clock.set(NOW - 4 * HOUR);
    service = await startService({ MANAGER_IDS: maria.aadObjectId, INTAKE_API_KEY: KEY }, { clock });
    // Teams: the bot is installed; EMEA takes every RFI; General only a country nothing comes from.
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(service.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
    await sendActivity(service.url, channelMention('subscribe country=IS', { serviceUrl: fake.url, channel: GENERAL, from: fixture.manager }));
    // The history, seeded as it happened.
    const records: ReferralRecord[] = MIX.filter((s) => !s.http).map((spec) => {
      const referral = build(spec);
      const target = channelKey(spec.channel === 'emea' ? EMEA.id : GENERAL.id);
      return { referral, outbox: [], card: { target, activityId: `seeded-${spec.id}`, shownVersion: referral.version } };
    });
    await (service.store as LowdbStore).importRecords(records);
    // Two RFIs through the intake API, answered on their cards.
    for (const spec of MIX.filter((s) => s.http)) {
      clock.set(NOW - spec.receivedAgo * HOUR);
      const rfi = sampleRfi(spec.id, {
        createdDateTime: clock().toISOString(),
        customerProfile: { name: spec.customer, address: { country: 'DE' } },
        details: { ...(spec.notes !== undefined && { notes: spec.notes }) },
      });
      expect((await postReferral(service.url, rfi, KEY)).status).to.equal(201);
    }
    for (const spec of MIX.filter((s) => s.http)) {
      clock.set(NOW - firstAt(spec) * HOUR);
      const data =
        spec.first!.kind === 'accept'
          ? {
              form: 'accept',
              engagementName: `${spec.customer} deal`,
              dealValue: String(spec.deal!.value),
              currency: spec.deal!.currency,
              closeDate: spec.deal!.close,
              notes: spec.notes,
            }
          : { form: 'decline', reason: 'Other', notes: AWKWARD_DECLINE };
      const answer = await sendInvoke(
        service.url,
        cardAction({
          serviceUrl: fake.url,
          verb: 'submit',
          data: { referralId: spec.id, version: 1, ...data },
          cardActivityId: `card-${spec.id}`,
          from: spec.first!.by,
          channel: EMEA,
        }),
      );
      expect(answer.status).to.equal(200);
      expect(answer.body!.type).to.equal('application/vnd.microsoft.card.adaptive');
    }
    clock.set(NOW);
  });
  after(async () => {
    await service?.stop();
    await fake?.close();
    if (service) await removeDir(service.dataDir);
  });

  /** Sends a command (channel mention or personal message) and returns the bot's reply activity. */
  async function ask(text: string, from: FixtureUser, where: FixtureChannel | 'personal'): Promise<any> {
    const activity =
      where === 'personal' ? personalMessage(text, { serviceUrl: fake.url, from }) : channelMention(text, { serviceUrl: fake.url, channel: where, from });
    const res = await sendActivity(service.url, activity);
    expect(res.status).to.equal(200);
    const reply = fake.requests.find((r) => r.method === 'POST' && r.replyToId === activity.id && r.body?.type === 'message');
    expect(reply, `no reply to "${text}"`).to.exist;
    return reply!.body;
  }
  const cardOf = (reply: any) => reply.attachments?.[0]?.content;
  const rowIds = (card: any): string[] => {
    const ids: string[] = [];
    const walk = (node: any) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node && typeof node === 'object') {
        if (node.type === 'Action.Execute' && node.verb === 'show') ids.push(node.data.referralId);
        Object.values(node).forEach(walk);
      }
    };
    walk(card.body);
    return ids;
  };

  it('the real core agrees with the description of the mix', async () => {
    for (const spec of MIX) {
      const record = await service.store.get(spec.id);
      expect(record, spec.id).to.exist;
      const referral = record!.referral;
      expect(referral.substatus, spec.id).to.equal(spec.state);
      expect(referral.receivedDateTime, spec.id).to.equal(ago(spec.receivedAgo).toISOString());
      expect(referral.firstResponseDateTime, spec.id).to.equal(spec.first ? ago(firstAt(spec)).toISOString() : undefined);
      expect(referral.acceptedDateTime, spec.id).to.equal(spec.deal ? ago(acceptedAgo(spec)!).toISOString() : undefined);
      expect(referral.closedDateTime, spec.id).to.equal(spec.closed ? ago(spec.closed.ago).toISOString() : undefined);
      expect(referral.owner?.id, spec.id).to.equal(spec.deal?.by.aadObjectId);
      expect(record!.card?.target, spec.id).to.equal(channelKey(spec.channel === 'emea' ? EMEA.id : GENERAL.id));
    }
  });

  for (const [period, hours] of [
    ['30d', 720],
    ['7d', 168],
    ['all', undefined],
  ] as const) {
    it(`stats ${period} in EMEA: every figure, for this channel's referrals only`, async () => {
      const card = cardOf(await ask(`stats ${period}`, chen, EMEA));
      const expected = expectedStats(
        MIX.filter((s) => s.channel === 'emea'),
        hours,
      );
      expect(readStatsCard(card)).to.deep.equal(expected);
    });
  }

  it('stats (default 30d) in personal chat: a manager sees every channel; a seller only what they own or acted on', async () => {
    const managerCard = cardOf(await ask('stats', maria, 'personal'));
    const manager = readStatsCard(managerCard);
    expect(manager).to.deep.equal(expectedStats(MIX, 720));
    // The pictures: received per week, and the open pipeline by stage.
    expect(JSON.stringify(managerCard)).to.include('"id":"stats-weekly"').and.include('"id":"stats-stages"');
    const seller = readStatsCard(cardOf(await ask('stats all', bruno, 'personal')));
    expect(seller).to.deep.equal(
      expectedStats(
        MIX.filter((s) => s.first?.by === bruno || s.deal?.by === bruno),
        undefined,
      ),
    );
  });

  it('list in EMEA: each filter, its order, ten rows and the count of the rest', async () => {
    const emea = MIX.filter((s) => s.channel === 'emea');
    for (const filter of ['open', 'new', 'active', 'overdue', 'archived'] as const) {
      const card = cardOf(await ask(filter === 'open' ? 'list' : `list ${filter}`, maria, EMEA));
      const expected = expectedList(emea, filter);
      expect(rowIds(card), filter).to.deep.equal(expected.slice(0, 10));
      const text = JSON.stringify(card);
      expect(text, filter).to.include(JSON.stringify(t('en', `list.title.${filter}`, { count: expected.length })));
      if (expected.length > 10) expect(text, filter).to.include(t('en', 'list.more', { count: expected.length - 10 }));
      else expect(text, filter).not.to.include('…and');
    }
    // Sanity of the fixture: the open list and the archive each overflow.
    expect(expectedList(emea, 'open').length).to.be.greaterThan(10);
    expect(expectedList(emea, 'archived').length).to.be.greaterThan(10);
    const mine = cardOf(await ask('list mine', anna, EMEA));
    expect(rowIds(mine)).to.deep.equal(expectedList(emea, 'mine', anna));
  });

  it("my in personal chat: the seller's own open deals in every channel, most urgent first; usage for bad words", async () => {
    const card = cardOf(await ask('my', anna, 'personal'));
    expect(rowIds(card)).to.deep.equal(expectedList(MIX, 'mine', anna));
    expect(rowIds(card)).to.include('g01');
    expect(JSON.stringify(card)).to.include(t('en', 'my.title', { count: expectedList(MIX, 'mine', anna).length }));
    // A seller's personal list holds only what they own or acted on.
    const sellerOpen = cardOf(await ask('list', dmitri, 'personal'));
    expect(rowIds(sellerOpen)).to.deep.equal(
      expectedList(
        MIX.filter((s) => s.first?.by === dmitri || s.deal?.by === dmitri),
        'open',
      ),
    );
    expect((await ask('list everything', anna, EMEA)).text).to.equal(t('en', 'list.usage'));
    expect((await ask('stats 2w', anna, EMEA)).text).to.equal(t('en', 'stats.usage'));
  });

  it('the rows name customer, state, owner and deadline', async () => {
    const card = JSON.stringify(cardOf(await ask('list active', maria, EMEA)));
    expect(card).to.include('Fjord Energy').and.include('Owner: Bruno Costa').and.include(t('en', 'card.overdue'));
  });

  it('export CSV: every referral, RFC 4180, awkward notes survive the round trip', async () => {
    const res = await fetch(`${service.url}/api/referrals/export?format=csv`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    const body = await res.text();
    expect(body.endsWith('\r\n')).to.equal(true);
    // Every record ends with CRLF: outside quoted fields there is no bare LF.
    const [header, ...rows] = parse(body, { record_delimiter: '\r\n' }) as string[][];
    const records = rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
    expect(records.map((r) => r['id']).sort()).to.deep.equal(MIX.map((s) => s.id).sort());
    const byId = Object.fromEntries(records.map((r) => [r['id'], r]));
    expect(byId['e03']!['notes']).to.equal(AWKWARD_NOTES);
    expect(byId['h01']!['notes']).to.equal(AWKWARD_NOTES);
    expect(byId['h02']!['closingNotes']).to.equal(AWKWARD_DECLINE);
    expect(byId['h02']).to.include({ status: 'Closed', substatus: 'Declined', closingReason: 'Other', responseTimeSeconds: String(30 * 60) });
    expect(byId['e07']).to.include({
      ownerName: anna.name,
      dealValue: '30000',
      currency: 'USD',
      closingDate: '2026-06-30',
      responseTimeSeconds: String(240 * 60),
    });
    expect(byId['e05']).to.include({ substatus: 'Expired', responseTimeSeconds: '', ownerId: '' });
    // Oldest first.
    expect(records[0]!['id']).to.equal('e16');
  });

  it('export JSON and ranges: from / to by receipt; 400 for bad values; the intake key is required', async () => {
    const get = (query: string, key: string | null = KEY) =>
      request(`${service.url}/api/referrals/export${query}`, { ...(key !== null && { headers: { authorization: `Bearer ${key}` } }) });
    const json = await get('?format=json');
    expect(json.status).to.equal(200);
    expect(json.body.count).to.equal(MIX.length);
    expect(json.body.items.find((item: any) => item.id === 'e07')).to.deep.include({
      dealValue: 30000,
      responseTimeSeconds: 14400,
      urgent: false,
      closingReason: null,
    });
    // Received in [2026-03-15, 2026-03-16]: from 00:00 UTC on the 15th to the end of the 16th.
    const from = Date.parse('2026-03-15T00:00:00Z');
    const to = Date.parse('2026-03-17T00:00:00Z');
    const inRange = MIX.filter((s) => NOW - s.receivedAgo * HOUR >= from && NOW - s.receivedAgo * HOUR < to)
      .map((s) => s.id)
      .sort();
    expect(inRange.length).to.be.greaterThan(0);
    const ranged = await get('?format=json&from=2026-03-15&to=2026-03-16');
    expect(ranged.body.items.map((item: any) => item.id).sort()).to.deep.equal(inRange);
    const since = await get(`?format=json&from=${encodeURIComponent(ago(10).toISOString())}`);
    expect(since.body.items.map((item: any) => item.id).sort()).to.deep.equal(
      MIX.filter((s) => s.receivedAgo <= 10)
        .map((s) => s.id)
        .sort(),
    );

    expect((await get('?format=xml')).status).to.equal(400);
    expect((await get('?from=yesterday')).status).to.equal(400);
    expect((await get('?from=2026-03-16&to=2026-03-15')).status).to.equal(400);
    const bad = await get('?format=json&to=2026-02-30');
    expect(bad.body.details).to.deep.equal([{ path: 'to', message: '"2026-02-30" is not a date' }]);
    expect((await get('', null)).status).to.equal(401);
    expect((await get('', 'wrong')).status).to.equal(401);
    // The route is not taken for a referral id, and referral ids still resolve.
    expect((await get('')).headers.get('content-type')).to.match(/^text\/csv/);
    expect((await request(`${service.url}/api/referrals/e03`, { headers: { authorization: `Bearer ${KEY}` } })).body.id).to.equal('e03');
  });
});
