// Figures for managers: response times, acceptance and win rates, pipeline and won value, per
// seller. Pure: the caller passes the referrals it may show, the window and `now`.
//
// The window W is the closed interval [from, to]; `from` undefined means "since the beginning",
// `to` defaults to `now`. Each figure says which referrals it counts:
//
// Intake and response — the COHORT C: referrals whose receivedDateTime lies in W.
//   received            |C|
//   byState[s]          |{r ∈ C : r.substatus = s}|, the referral's CURRENT substatus (as of now)
//   response time(r)    firstResponseDateTime − createdDateTime (responseTimeMs): the time from
//                       when the customer sent the referral (Partner Center's clock, the one
//                       customers and Microsoft judge by, and the one reminders count from; the
//                       time of receipt when the RFI had none) to the first person action
//                       (interested, accept, decline, no thanks). Timers (reminders, expiry, the
//                       automatic skip) are not a response.
//   responded           |R| where R = {r ∈ C : r has a first response}
//   medianResponseMs    median of the response times of R: the middle value, or the mean of the
//                       two middle values when |R| is even; null when R is empty
//   p90ResponseMs       90th percentile of the response times of R, nearest-rank method: the
//                       value at rank ⌈0.9·|R|⌉ in ascending order; null when R is empty
//   answeredWithin      { count: |{r ∈ R : response time ≤ respondWithinMs}|,
//                         of: |{r ∈ C : r ∈ R, or createdDateTime + respondWithinMs ≤ now}|,
//                         share: count / of, null when of = 0 }
//                       i.e. referrals still inside their first respondWithin (24 h) that nobody
//                       answered yet are not counted either way; unanswered ones past it count
//                       as missed.
//
// Decisions and outcomes — EVENTS IN W, whenever the referral was received:
//   acceptance          { accepted: referrals with acceptedDateTime ∈ W,
//                         declined / expired / skipped: referrals closed (closedDateTime ∈ W) as
//                         Declined / Expired / Skipped,
//                         rate: accepted / (accepted + declined + expired + skipped), null when 0 }
//   expired             acceptance.expired (closed as Expired in W)
//   win                 { won, lost: referrals closed as Won / Lost in W,
//                         rate: won / (won + lost), null when 0 }
//   wonValue            per currency, the sum of details.dealValue of the referrals closed as Won
//                       in W (a deal without a value adds nothing; without a currency: USD, as the
//                       forms record it)
//
// Snapshot — NOW, not windowed:
//   pipeline            per currency, the sum of details.dealValue of the open deals (Active /
//                       Accepted), and how many open deals there are (`openDeals`, with or without
//                       a value); totalUsd: Σ value / usdRates[currency] over the currencies with a
//                       rate (USD at 1), null when none has; uncounted: the currencies without one
//
// Per seller — a row per person who appears below, keyed by AAD object id (name: the latest seen):
//   accepted            referrals this person accepted (owner) with acceptedDateTime ∈ W
//   won, lost           referrals this person owns that closed as Won / Lost in W (credited to the
//                       owner, also when a manager closed them)
//   medianResponseMs    median response time (as above) of the referrals of C whose first
//                       response this person gave; null when none
//   assigned            times this person was given a referral by an assignment pool in W
//   answeredInTime      of those, the ones they answered (accept, decline, interested, no thanks
//                       or pass) within their window
//   Sorted by won, then accepted (descending), then name.
//
// Assignment pools — ASSIGNMENTS IN W (an `assigned` event in W):
//   assigneeAnswer      { answered: assignments the assignee answered while it was theirs,
//                         medianMs / p90Ms: of the time from the assignment to that answer }

import { FALLBACK_CURRENCY } from './form-fields.js';
import type { Actor, Referral, Substatus } from './model.js';
import { SUBSTATUSES } from './model.js';
import { DEFAULT_POLICY } from './policy.js';

export interface StatsWindow {
  /** Start of the window (inclusive); undefined: since the beginning. */
  from?: Date;
  /** End of the window (inclusive). Default: now. */
  to?: Date;
  now: Date;
  /** The recommended response time (policy.respondWithinMs). Default 24 h. */
  respondWithinMs?: number;
  /** Units of a currency per 1 USD, for the pipeline total (USD needs none). */
  usdRates?: Readonly<Record<string, number>>;
}

export interface Ratio {
  count: number;
  of: number;
  /** count / of, null when of is 0. */
  share: number | null;
}

export interface SellerStats {
  id: string;
  name: string;
  accepted: number;
  won: number;
  lost: number;
  medianResponseMs: number | null;
  assigned: number;
  answeredInTime: number;
}

/** An amount per ISO 4217 currency code, codes in alphabetical order. */
export type MoneyByCurrency = Array<{ currency: string; value: number }>;

export interface Stats {
  from: string | null;
  to: string;
  received: number;
  byState: Record<Substatus, number>;
  responded: number;
  medianResponseMs: number | null;
  p90ResponseMs: number | null;
  answeredWithin: Ratio;
  respondWithinMs: number;
  acceptance: { accepted: number; declined: number; expired: number; skipped: number; rate: number | null };
  expired: number;
  win: { won: number; lost: number; rate: number | null };
  wonValue: MoneyByCurrency;
  pipeline: {
    openDeals: number;
    value: MoneyByCurrency;
    /** Every currency of `value` converted to USD and added up; null when no currency could be. */
    totalUsd: number | null;
    /** Currencies of `value` left out of totalUsd: no rate for them. */
    uncounted: string[];
  };
  sellers: SellerStats[];
  assigneeAnswer: { answered: number; medianMs: number | null; p90Ms: number | null };
}

/** One assignment of a referral and how it ended for the assignee. */
export interface AssignmentRound {
  assignee: Actor;
  at: string;
  windowMs: number;
  /** When the assignee answered while it was theirs; undefined: it moved on, someone else answered, or it is still waiting. */
  answeredAt?: string;
}

/** Every assignment of a referral, in order, with the assignee's answer. */
export function assignmentRounds(referral: Pick<Referral, 'history'>): AssignmentRound[] {
  const rounds: AssignmentRound[] = [];
  let current: AssignmentRound | undefined;
  for (const event of referral.history) {
    if (event.type === 'assigned') {
      current = { assignee: event.assignee, at: event.at, windowMs: event.windowMs };
      rounds.push(current);
    } else if (current && (event.type === 'assignmentPassed' || RESPONSE_EVENTS.has(event.type)) && event.actor) {
      if (event.actor.id === current.assignee.id) current.answeredAt = event.at;
      current = undefined;
    } else if (event.type === 'assignmentTimedOut') {
      current = undefined;
    }
  }
  return rounds;
}

/** Event types that are a person's first response (see evolve.ts firstResponse). */
const RESPONSE_EVENTS: ReadonlySet<string> = new Set(['interested', 'accepted', 'declined', 'skipped']);

/** The time from when the customer sent the referral (createdDateTime) to the first person action, in ms; undefined while nobody acted. */
export function responseTimeMs(referral: Pick<Referral, 'createdDateTime' | 'firstResponseDateTime'>): number | undefined {
  if (referral.firstResponseDateTime === undefined) return undefined;
  const ms = Date.parse(referral.firstResponseDateTime) - Date.parse(referral.createdDateTime);
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}

/** Who gave the first response (the actor of the first interested / accepted / declined / no-thanks event). */
export function firstResponder(referral: Referral): Actor | undefined {
  for (const event of referral.history) {
    if (RESPONSE_EVENTS.has(event.type) && event.actor) return event.actor;
  }
  return undefined;
}

/** Median: the middle value, or the mean of the two middle ones; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile (0 < p ≤ 100): the value at rank ⌈p/100·n⌉ of the ascending values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

function ratio(count: number, of: number): number | null {
  return of === 0 ? null : count / of;
}

function addMoney(totals: Map<string, number>, referral: Referral): void {
  const value = referral.details.dealValue;
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  const currency = referral.details.currency ?? FALLBACK_CURRENCY;
  totals.set(currency, (totals.get(currency) ?? 0) + value);
}

function moneyList(totals: Map<string, number>): MoneyByCurrency {
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([currency, value]) => ({ currency, value }));
}

function pipelineTotal(value: MoneyByCurrency, usdRates: Readonly<Record<string, number>>): { totalUsd: number | null; uncounted: string[] } {
  let total: number | null = null;
  const uncounted: string[] = [];
  for (const amount of value) {
    const rate = amount.currency === 'USD' ? 1 : usdRates[amount.currency];
    if (rate === undefined || !(rate > 0)) uncounted.push(amount.currency);
    else total = (total ?? 0) + amount.value / rate;
  }
  return { totalUsd: total, uncounted };
}

export function stats(referrals: readonly Referral[], window: StatsWindow): Stats {
  const now = window.now.getTime();
  const from = window.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = (window.to ?? window.now).getTime();
  const respondWithinMs = window.respondWithinMs ?? DEFAULT_POLICY.respondWithinMs;
  const inWindow = (iso: string | undefined): boolean => {
    if (iso === undefined) return false;
    const ms = Date.parse(iso);
    return ms >= from && ms <= to;
  };

  const byState = Object.fromEntries(SUBSTATUSES.map((substatus) => [substatus, 0])) as Record<Substatus, number>;
  const responseTimes: number[] = [];
  let received = 0;
  let within = 0;
  let withinOf = 0;
  const acceptance = { accepted: 0, declined: 0, expired: 0, skipped: 0 };
  const win = { won: 0, lost: 0 };
  const wonValue = new Map<string, number>();
  const pipelineValue = new Map<string, number>();
  let openDeals = 0;
  const sellers = new Map<
    string,
    { name: string; accepted: number; won: number; lost: number; responses: number[]; assigned: number; answeredInTime: number }
  >();
  const seller = (actor: Actor) => {
    let row = sellers.get(actor.id);
    if (!row) sellers.set(actor.id, (row = { name: actor.name, accepted: 0, won: 0, lost: 0, responses: [], assigned: 0, answeredInTime: 0 }));
    return row;
  };
  const assigneeAnswers: number[] = [];

  // Newest events last, so a seller's row carries the name they had most recently.
  const ordered = [...referrals].sort((a, b) => Date.parse(a.updatedDateTime) - Date.parse(b.updatedDateTime));
  for (const referral of ordered) {
    if (inWindow(referral.receivedDateTime)) {
      received++;
      byState[referral.substatus]++;
      const ms = responseTimeMs(referral);
      if (ms !== undefined) {
        responseTimes.push(ms);
        withinOf++;
        if (ms <= respondWithinMs) within++;
        const responder = firstResponder(referral);
        if (responder) seller(responder).responses.push(ms);
      } else if (Date.parse(referral.createdDateTime) + respondWithinMs <= now) {
        withinOf++;
      }
    }
    if (inWindow(referral.acceptedDateTime)) {
      acceptance.accepted++;
      if (referral.owner) seller(referral.owner).accepted++;
    }
    if (referral.status === 'Closed' && inWindow(referral.closedDateTime)) {
      switch (referral.substatus) {
        case 'Declined':
          acceptance.declined++;
          break;
        case 'Expired':
          acceptance.expired++;
          break;
        case 'Skipped':
          acceptance.skipped++;
          break;
        case 'Won':
          win.won++;
          addMoney(wonValue, referral);
          if (referral.owner) seller(referral.owner).won++;
          break;
        case 'Lost':
          win.lost++;
          if (referral.owner) seller(referral.owner).lost++;
          break;
        default:
          break;
      }
    }
    if (referral.status === 'Active') {
      openDeals++;
      addMoney(pipelineValue, referral);
    }
    for (const round of referral.assignment ? assignmentRounds(referral) : []) {
      if (!inWindow(round.at)) continue;
      const row = seller(round.assignee);
      row.assigned++;
      if (round.answeredAt === undefined) continue;
      const ms = Date.parse(round.answeredAt) - Date.parse(round.at);
      assigneeAnswers.push(ms);
      if (ms <= round.windowMs) row.answeredInTime++;
    }
  }

  const decided = acceptance.accepted + acceptance.declined + acceptance.expired + acceptance.skipped;
  return {
    from: Number.isFinite(from) ? new Date(from).toISOString() : null,
    to: new Date(to).toISOString(),
    received,
    byState,
    responded: responseTimes.length,
    medianResponseMs: median(responseTimes),
    p90ResponseMs: percentile(responseTimes, 90),
    answeredWithin: { count: within, of: withinOf, share: ratio(within, withinOf) },
    respondWithinMs,
    acceptance: { ...acceptance, rate: ratio(acceptance.accepted, decided) },
    expired: acceptance.expired,
    win: { ...win, rate: ratio(win.won, win.won + win.lost) },
    wonValue: moneyList(wonValue),
    pipeline: { openDeals, value: moneyList(pipelineValue), ...pipelineTotal(moneyList(pipelineValue), window.usdRates ?? {}) },
    assigneeAnswer: { answered: assigneeAnswers.length, medianMs: median(assigneeAnswers), p90Ms: percentile(assigneeAnswers, 90) },
    sellers: [...sellers]
      .map(([id, row]) => ({
        id,
        name: row.name,
        accepted: row.accepted,
        won: row.won,
        lost: row.lost,
        medianResponseMs: median(row.responses),
        assigned: row.assigned,
        answeredInTime: row.answeredInTime,
      }))
      .filter((row) => row.accepted + row.won + row.lost + row.assigned > 0 || row.medianResponseMs !== null)
      .sort((a, b) => b.won - a.won || b.accepted - a.accepted || a.name.localeCompare(b.name)),
  };
}
