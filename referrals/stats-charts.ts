// The figures behind the stats card's two pictures. Pure: the caller passes the referrals it may
// show, the window and `now` (the same StatsWindow as referrals/stats.ts).
//
//   weekly    for each of the last CHART_WEEKS calendar weeks (Monday 00:00 UTC to Sunday) that
//             overlap the window W, ending with the week of W's end:
//               received        referrals whose receivedDateTime lies in that week and in W
//               answeredWithin  of those, the ones whose response time (responseTimeMs, from
//                               createdDateTime) is at most respondWithinMs
//             Weeks before the week of the first referral ever received (of those passed in)
//             are left out: a team that started last week is not shown seven empty weeks.
//   reasons   for each of Partner Center's reasons (CLOSE_REASONS), the referrals closed in W as
//             Declined and as Lost with it (statusReason); reasons nobody gave are left out.
//   stages    the open pipeline NOW, not windowed: how many referrals are New/Pending,
//             New/Received (classic, evaluating: only when a classic-flow referral is among them
//             or one is evaluating) and Active/Accepted.

import { CLOSE_REASONS, type CloseReason, type Referral, type Substatus } from './model.js';
import { DEFAULT_POLICY } from './policy.js';
import { responseTimeMs, type StatsWindow } from './stats.js';

export const CHART_WEEKS = 8;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface WeekFigures {
  /** Monday 00:00 UTC of the week (ISO). */
  weekStart: string;
  received: number;
  answeredWithin: number;
}

export const PIPELINE_STAGES = ['Pending', 'Received', 'Accepted'] as const satisfies readonly Substatus[];
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export interface ReasonFigures {
  reason: CloseReason;
  declined: number;
  lost: number;
}

export interface ChartFigures {
  weekly: WeekFigures[];
  stages: Partial<Record<PipelineStage, number>>;
  /** In CLOSE_REASONS order, only the reasons given in the window. */
  reasons: ReasonFigures[];
}

/** Monday 00:00 UTC of the week that holds `ms`. */
export function weekStartOf(ms: number): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday * DAY_MS;
}

export function chartFigures(referrals: readonly Referral[], window: StatsWindow): ChartFigures {
  const from = window.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = (window.to ?? window.now).getTime();
  const respondWithinMs = window.respondWithinMs ?? DEFAULT_POLICY.respondWithinMs;
  const lastWeek = weekStartOf(to);
  const weeks: number[] = [];
  for (let i = CHART_WEEKS - 1; i >= 0; i--) {
    const start = lastWeek - i * WEEK_MS;
    if (start + WEEK_MS > from) weeks.push(start);
  }
  const weekly = new Map(weeks.map((start) => [start, { weekStart: new Date(start).toISOString(), received: 0, answeredWithin: 0 }]));
  const stages: Record<PipelineStage, number> = { Pending: 0, Received: 0, Accepted: 0 };
  const reasons = new Map<CloseReason, ReasonFigures>(CLOSE_REASONS.map((reason) => [reason, { reason, declined: 0, lost: 0 }]));
  for (const referral of referrals) {
    const closed = referral.closedDateTime === undefined ? Number.NaN : Date.parse(referral.closedDateTime);
    if (referral.statusReason && closed >= from && closed <= to) {
      const row = reasons.get(referral.statusReason);
      if (row && referral.substatus === 'Declined') row.declined++;
      if (row && referral.substatus === 'Lost') row.lost++;
    }
    const received = Date.parse(referral.receivedDateTime);
    const week = weekly.get(weekStartOf(received));
    if (week && received >= from && received <= to) {
      week.received++;
      const ms = responseTimeMs(referral);
      if (ms !== undefined && ms <= respondWithinMs) week.answeredWithin++;
    }
    if (referral.status !== 'Closed' && (PIPELINE_STAGES as readonly string[]).includes(referral.substatus)) stages[referral.substatus as PipelineStage]++;
  }
  const firstReceived = Math.min(...referrals.map((referral) => Date.parse(referral.receivedDateTime)).filter((ms) => !Number.isNaN(ms)));
  const firstWeek = Number.isFinite(firstReceived) ? weekStartOf(firstReceived) : Number.POSITIVE_INFINITY;
  // Evaluating exists in the classic flow only: an inbox team is not shown a stage it never has.
  const evaluates = stages.Received > 0 || referrals.some((referral) => referral.flow === 'classic');
  const { Received, ...inboxStages } = stages;
  return {
    weekly: [...weekly.values()].filter((week) => Date.parse(week.weekStart) >= firstWeek),
    stages: evaluates ? { ...inboxStages, Received } : inboxStages,
    reasons: [...reasons.values()].filter((row) => row.declined + row.lost > 0),
  };
}
