// Assignment pools (docs/architecture.md#assignment): who in a channel's pool gets the next
// referral. A smooth weighted round robin over the people who may take one now: not away, below
// the cap, and not already given this referral. Pure: the pool, its rotation counters, the load
// and the referral in, the choice and its reasons out, so the same inputs give the same choice.

import type { Actor, Referral } from './model.js';
import { assignmentRounds } from './stats.js';

export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 10;
export const MAX_POOL = 50;

export interface PoolMember {
  /** AAD object id: what a card action's actor carries. */
  id: string;
  name: string;
  /** Teams user id (29:…) from the @mention: what a mention and a new 1:1 chat need. */
  teamsId?: string;
  weight: number;
}

export interface Pool {
  members: PoolMember[];
  /** The most open referrals (assigned or owned) one person may hold; absent: no cap. */
  cap?: number;
  /** How long an assignee has to answer, counted in working hours; absent: ASSIGN_RESPOND_WITHIN. */
  respondWithinMs?: number;
  /** Referrals received before this are not assigned (the pool does not reach back). */
  since: string;
}

/** `away [until YYYY-MM-DD]`: until that date begins (in the display time zone); no date: until `back`. */
export interface Away {
  name: string;
  until?: string;
}

/** Why someone was passed over for this referral. */
export type Skip =
  | { id: string; name: string; why: 'away'; until?: string }
  | { id: string; name: string; why: 'cap'; cap: number }
  | { id: string; name: string; why: 'tried' };

export interface ChoiceInput {
  pool: Pool;
  /** Smooth weighted round robin's current weight of each member (absent = 0). */
  rotation: Readonly<Record<string, number>>;
  away: Readonly<Record<string, Away>>;
  /** Open referrals each person holds (assigned or owned), this one left out. */
  load: Readonly<Record<string, number>>;
  /** Who had this referral already (passed, timed out, or was reassigned from it). */
  tried: readonly string[];
  /** Today's date (YYYY-MM-DD) where away dates are read. */
  today: string;
}

export type Choice =
  | { ok: true; member: PoolMember; rotation: Record<string, number>; skipped: Skip[] }
  /** Nobody may take it now; `skipped` says why each was left out (empty pool: nobody listed). */
  | { ok: false; skipped: Skip[] };

/** Whether `away` still holds on `today`. */
export function isAway(away: Away | undefined, today: string): boolean {
  return away !== undefined && (away.until === undefined || today < away.until);
}

function skipOf(member: PoolMember, input: ChoiceInput): Skip | undefined {
  const base = { id: member.id, name: member.name };
  if (input.tried.includes(member.id)) return { ...base, why: 'tried' };
  const away = input.away[member.id];
  if (isAway(away, input.today)) return { ...base, why: 'away', ...(away?.until !== undefined && { until: away.until }) };
  const cap = input.pool.cap;
  if (cap !== undefined && (input.load[member.id] ?? 0) >= cap) return { ...base, why: 'cap', cap };
  return undefined;
}

/**
 * The next assignee. Every eligible member's counter grows by its weight, the largest counter wins
 * (ties: pool order) and drops by the eligible weights' sum: over any run each member gets its
 * weight's share, spread out rather than in streaks. Members left out keep their counters.
 */
export function chooseAssignee(input: ChoiceInput): Choice {
  const skipped: Skip[] = [];
  const eligible: PoolMember[] = [];
  for (const member of input.pool.members) {
    const skip = skipOf(member, input);
    if (skip) skipped.push(skip);
    else eligible.push(member);
  }
  if (eligible.length === 0) return { ok: false, skipped };
  const rotation: Record<string, number> = { ...input.rotation };
  let total = 0;
  let best: PoolMember | undefined;
  for (const member of eligible) {
    rotation[member.id] = (rotation[member.id] ?? 0) + member.weight;
    total += member.weight;
    if (!best || rotation[member.id]! > rotation[best.id]!) best = member;
  }
  rotation[best!.id] = rotation[best!.id]! - total;
  return { ok: true, member: best!, rotation, skipped: skipped.filter((skip) => skip.why !== 'tried') };
}

/** The referral's assignment as its history leaves it. */
export interface Assignment {
  /** Who has it now; absent between a move and the next, or when nobody was left. */
  assignee?: Actor & { teamsId?: string };
  assignedAt?: string;
  answerBy?: string;
  /** How many times it was assigned (1 = the first assignee). */
  round: number;
  /** Everyone it was assigned to, in order. */
  tried: string[];
  /** When managers were told (escalation, or "cannot be assigned"); once per referral. */
  escalatedAt?: string;
}

/** Whether the referral still waits for its first answer, which is what an assignee owes. */
export function awaitsFirstAnswer(referral: Pick<Referral, 'status' | 'substatus'>): boolean {
  return referral.status === 'New' && referral.substatus === 'Pending';
}

/** The person who must answer now, if any: an assignment ends with the first answer, by anyone. */
export function currentAssignee(referral: Pick<Referral, 'status' | 'substatus' | 'assignment'>): Assignment['assignee'] {
  return awaitsFirstAnswer(referral) ? referral.assignment?.assignee : undefined;
}

/** Who holds an open referral for the cap: its assignee while unanswered, its owner once accepted. */
export function holderOf(referral: Pick<Referral, 'status' | 'substatus' | 'assignment' | 'owner'>): string | undefined {
  if (referral.status === 'Closed') return undefined;
  return referral.status === 'Active' ? referral.owner?.id : currentAssignee(referral)?.id;
}

/** Open referrals each person holds: assigned to them (still unanswered) or owned (accepted). */
export function loadOf(referrals: Iterable<Pick<Referral, 'status' | 'substatus' | 'assignment' | 'owner'>>): Record<string, number> {
  const load: Record<string, number> = {};
  for (const referral of referrals) {
    const holder = holderOf(referral);
    if (holder !== undefined) load[holder] = (load[holder] ?? 0) + 1;
  }
  return load;
}

/** Shortest and longest window `assign within` takes. */
export const WINDOW_LIMITS_MS = { min: 5 * 60_000, max: 7 * 86_400_000 } as const;

/** `2h`, `90m`, `1h30m` or ISO 8601 `PT2H` / `PT90M` → ms; undefined when not such a duration or out of WINDOW_LIMITS_MS. */
export function parseWindow(text: string): number | undefined {
  const match = /^(?:PT)?(?:(\d{1,4})H)?(?:(\d{1,5})M)?$/i.exec(text.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  const ms = (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 60_000;
  return ms >= WINDOW_LIMITS_MS.min && ms <= WINDOW_LIMITS_MS.max ? ms : undefined;
}

/** One member of a pool as the `assign` card shows them. */
export interface PoolMemberFigures {
  id: string;
  name: string;
  weight: number;
  /** Away now: until that date, or `true` until `back`. */
  away?: string | true;
  open: number;
  /** In the window: times given a referral, answered within the window, passed on. */
  assigned: number;
  answeredInTime: number;
  passed: number;
}

/**
 * The pool's fairness in figures: each member's weight, away state and open referrals now, and
 * over `referrals` (those touched since `from`) how often they were given one, answered in time,
 * or passed.
 */
export function poolFigures(
  pool: Pool,
  away: Readonly<Record<string, Away>>,
  load: Readonly<Record<string, number>>,
  referrals: readonly Pick<Referral, 'history'>[],
  window: { from: string; today: string },
): PoolMemberFigures[] {
  const from = Date.parse(window.from);
  const rows = new Map(
    pool.members.map((member) => {
      const absent = away[member.id];
      const awayNow: string | true | undefined = isAway(absent, window.today) ? (absent?.until ?? true) : undefined;
      const row: PoolMemberFigures = {
        id: member.id,
        name: member.name,
        weight: member.weight,
        open: load[member.id] ?? 0,
        assigned: 0,
        answeredInTime: 0,
        passed: 0,
      };
      return [member.id, awayNow === undefined ? row : { ...row, away: awayNow }];
    }),
  );
  for (const referral of referrals) {
    for (const round of assignmentRounds(referral)) {
      const row = rows.get(round.assignee.id);
      if (!row || Date.parse(round.at) < from) continue;
      row.assigned++;
      if (round.answeredAt !== undefined && Date.parse(round.answeredAt) - Date.parse(round.at) <= round.windowMs) row.answeredInTime++;
    }
    for (const event of referral.history) {
      if (event.type !== 'assignmentPassed' || Date.parse(event.at) < from) continue;
      const row = rows.get(event.actor.id);
      if (row) row.passed++;
    }
  }
  return [...rows.values()];
}
