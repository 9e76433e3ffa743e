// View models of the manager views: the `list` / `my` card, the `stats` card and the channel
// digest. They turn the pure figures of referrals/queue-views.ts, stats.ts and digest-content.ts
// into template data in the reader's locale. Every row has a "Show" button (verb `show`).
// Names (customers, engagements, sellers) are outside text: markdown-escaped (cards/markdown.ts).

import type { AttentionCategory, ChangeKind, DigestContent } from '../../referrals/digest-content.js';
import type { Deadline, DeadlineKind, ListFilterName, ListRow, ListView } from '../../referrals/queue-views.js';
import type { MoneyByCurrency, Stats } from '../../referrals/stats.js';
import { PIPELINE_STAGES, type ChartFigures } from '../../referrals/stats-charts.js';
import type { Substatus } from '../../referrals/model.js';
import { SUBSTATUSES } from '../../referrals/model.js';
import { showAction, type ExecuteAction, type ShowData } from '../actions.js';
import {
  formatDateTime,
  formatDate,
  formatDuration,
  formatShortDate,
  formatMoney,
  formatNumber,
  formatPercent,
  t,
  type Locale,
  type MessageKey,
} from '../i18n.js';
import { STATUS_ICON, statusText } from '../formatters.js';
import { escapeMarkdown } from '../markdown.js';
import type { TextColor } from './referral.js';
import { UTC_DISPLAY, type Display } from '../display.js';

interface RowLine {
  text: string;
  color: TextColor;
}

export interface RowData {
  headline: string;
  lines: RowLine[];
  button: ExecuteAction<ShowData>;
}

/** Rows in the digest and in lists: at most this many per section. */
export const DIGEST_SECTION_LIMIT = 10;
/** Seller rows in the stats card. */
export const STATS_SELLER_LIMIT = 15;

const line = (text: string, color: TextColor = 'default'): RowLine => ({ text, color });

function showButton(locale: Locale, referralId: string): ExecuteAction<ShowData> {
  return showAction(referralId, t(locale, 'list.show')) as ExecuteAction<ShowData>;
}

/**
 * "Customer · Engagement", said once: the customer alone when the engagement has no name of its
 * own, the engagement alone when its name already says who the customer is ("Fabrikam – cloud
 * migration" for Fabrikam GmbH).
 */
function headline(customer: string, name: string): string {
  const engagement = name.trim();
  if (engagement === '' || engagement === customer) return escapeMarkdown(customer);
  const firstWord = customer.trim().split(/\s+/)[0] ?? '';
  const namesCustomer = firstWord.length >= 3 && engagement.toLocaleLowerCase().includes(firstWord.toLocaleLowerCase());
  return escapeMarkdown(namesCustomer ? engagement : `${customer} · ${engagement}`);
}

const DEADLINE_KEYS: Record<DeadlineKind, MessageKey> = {
  respondBy: 'card.respondBy',
  expires: 'card.expires',
  skips: 'card.skippedAfter',
  decideBy: 'card.decideBy',
  closeDate: 'card.closeDate',
  closed: 'card.closedAt',
};

/** "Respond by: 3 Mar 2026, 09:00 UTC (overdue)"; a close date as a plain date (it is a whole day). */
export function deadlineText(locale: Locale, deadline: Deadline, timeZone = 'UTC'): string {
  const when = deadline.kind === 'closeDate' ? formatDate(locale, deadline.at) : formatDateTime(locale, deadline.at, timeZone);
  return `${t(locale, DEADLINE_KEYS[deadline.kind])}: ${when}${deadline.overdue ? ` ${t(locale, 'card.overdue')}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// list / my

export interface ListCardOptions {
  /** Already in the reader's words: what the list covers ("In this channel", …). */
  scope: string;
  /** The `my` command's title instead of the filter's. */
  title?: string;
  /** The time zone deadlines are written in (default UTC_DISPLAY). */
  display?: Display;
}

function listRow(locale: Locale, row: ListRow, timeZone: string): RowData {
  const state = `${STATUS_ICON[row.substatus]} ${statusText(locale, row)}`;
  const owner = row.owner ? t(locale, 'list.owner', { name: escapeMarkdown(row.owner.name) }) : t(locale, 'list.noOwner');
  const value = row.dealValue !== undefined ? ` · ${formatMoney(locale, row.dealValue, row.currency ?? 'USD')}` : '';
  const lines = [...(row.urgent ? [line(t(locale, 'list.urgent'), 'attention')] : []), line(`${state} · ${owner}${value}`)];
  if (row.deadline) lines.push(line(deadlineText(locale, row.deadline, timeZone), row.deadline.overdue ? 'attention' : 'default'));
  return { headline: headline(row.customer, row.name), lines, button: showButton(locale, row.id) };
}

const LIST_TITLES: Record<ListFilterName, MessageKey> = {
  open: 'list.title.open',
  new: 'list.title.new',
  active: 'list.title.active',
  mine: 'list.title.mine',
  overdue: 'list.title.overdue',
  archived: 'list.title.archived',
};

export function listCardData(locale: Locale, view: ListView, options: ListCardOptions) {
  return {
    title: options.title ?? t(locale, LIST_TITLES[view.filter], { count: view.total }),
    scope: options.scope,
    empty: view.rows.length === 0,
    emptyText: t(locale, view.filter === 'mine' ? 'list.emptyMine' : 'list.empty'),
    rows: view.rows.map((row) => listRow(locale, row, (options.display ?? UTC_DISPLAY).timeZone)),
    hasMore: view.more > 0,
    moreText: t(locale, 'list.more', { count: view.more }),
  };
}

// ---------------------------------------------------------------------------------------------
// stats

export type StatsPeriod = '7d' | '30d' | '90d' | 'all';

export interface StatsCardOptions {
  period: StatsPeriod;
  scope: string;
  /** The figures of the two pictures (referrals/stats-charts.ts); no pictures without them. */
  charts?: ChartFigures;
}

interface BarSegment {
  /** A column weight: the bars of one chart share one scale, the longest is BAR_SCALE. */
  width: number;
  style: 'good' | 'accent' | 'warning' | 'attention' | 'default';
}

interface BarRow {
  label: string;
  segments: BarSegment[];
  value: string;
}

const BAR_SCALE = 100;

/** One bar of `parts` (value and colour each) on a scale where `max` fills the row; the rest is blank. */
function bar(label: string, parts: readonly { value: number; style: BarSegment['style'] }[], max: number, value: string): BarRow {
  const segments: BarSegment[] = [];
  let used = 0;
  for (const part of parts) {
    if (part.value <= 0) continue;
    const width = Math.max(1, Math.round((part.value / max) * BAR_SCALE));
    segments.push({ width, style: part.style });
    used += width;
  }
  if (used < BAR_SCALE) segments.push({ width: BAR_SCALE - used, style: 'default' });
  return { label, segments, value };
}

/** The two pictures: received per week against answered in time, and the open pipeline by stage. */
function chartsData(locale: Locale, charts: ChartFigures | undefined, respondWithinMs: number) {
  const n = (value: number) => formatNumber(locale, value);
  const weeks = charts?.weekly ?? [];
  const weekMax = Math.max(0, ...weeks.map((week) => week.received));
  const stages = PIPELINE_STAGES.filter((stage) => charts?.stages[stage] !== undefined);
  const stageMax = charts ? Math.max(0, ...stages.map((stage) => charts.stages[stage] ?? 0)) : 0;
  const duration = formatDuration(locale, respondWithinMs);
  const reasons = charts?.reasons ?? [];
  const reasonMax = Math.max(0, ...reasons.map((row) => row.declined + row.lost));
  return {
    weekly: {
      show: weekMax > 0,
      heading: t(locale, 'stats.chart.weekly'),
      legend: t(locale, 'stats.chart.weeklyLegend', { duration }),
      rows: weeks.map((week) =>
        bar(
          formatShortDate(locale, week.weekStart),
          [
            { value: week.answeredWithin, style: 'good' },
            { value: week.received - week.answeredWithin, style: 'accent' },
          ],
          weekMax || 1,
          t(locale, 'stats.chart.weekValue', { received: n(week.received), answered: n(week.answeredWithin) }),
        ),
      ),
    },
    reasons: {
      show: reasonMax > 0,
      heading: t(locale, 'stats.chart.reasons'),
      legend: t(locale, 'stats.chart.reasonsLegend'),
      rows: reasons.map((row) =>
        bar(
          t(locale, `reason.${row.reason}`),
          [
            { value: row.declined, style: 'attention' },
            { value: row.lost, style: 'warning' },
          ],
          reasonMax || 1,
          t(locale, 'stats.chart.reasonValue', { declined: n(row.declined), lost: n(row.lost) }),
        ),
      ),
    },
    stages: {
      show: stageMax > 0,
      heading: t(locale, 'stats.chart.stages'),
      legend: t(locale, 'stats.chart.stagesLegend'),
      rows: stages.map((stage) =>
        bar(
          // A no-break space: the emoji stays on its label's line.
          `${STATUS_ICON[stage]}\u00a0${t(locale, `substatus.${stage}`)}`,
          [{ value: charts?.stages[stage] ?? 0, style: stage === 'Accepted' ? 'good' : 'accent' }],
          stageMax || 1,
          n(charts?.stages[stage] ?? 0),
        ),
      ),
    },
  };
}

const NONE = '—';

function moneyText(locale: Locale, amounts: MoneyByCurrency): string {
  return amounts.length === 0 ? NONE : amounts.map((amount) => formatMoney(locale, amount.value, amount.currency)).join(' · ');
}

function durationText(locale: Locale, ms: number | null): string {
  return ms === null ? NONE : formatDuration(locale, ms);
}

/** "67% (2 of 3)", or "—" when there is nothing to divide. */
function rateText(locale: Locale, count: number, of: number, share: number | null): string {
  return share === null
    ? NONE
    : t(locale, 'stats.rate', { percent: formatPercent(locale, share), count: formatNumber(locale, count), of: formatNumber(locale, of) });
}

const fact = (title: string, value: string) => ({ title, value });

/** "≈ USD 180,000 in all" when the pipeline is in more than USD alone and rates (USD_RATES) allow a sum. */
function pipelineTotalFacts(locale: Locale, stats: Stats) {
  const { value, totalUsd, uncounted } = stats.pipeline;
  // Only when a rate turned some other currency into USD: a "total" of the USD part alone says nothing.
  const converted = value.some((amount) => amount.currency !== 'USD' && !uncounted.includes(amount.currency));
  if (!converted || totalUsd === null) return [];
  const total = t(locale, 'stats.pipelineTotalValue', { value: formatMoney(locale, Math.round(totalUsd), 'USD') });
  const without = uncounted.length === 0 ? '' : ` ${t(locale, 'stats.pipelineTotalWithout', { currencies: uncounted.join(', ') })}`;
  return [fact(t(locale, 'stats.pipelineTotal'), `${total}${without}`)];
}

export function statsCardData(locale: Locale, stats: Stats, options: StatsCardOptions) {
  const n = (value: number) => formatNumber(locale, value);
  const stateFacts = SUBSTATUSES.filter((substatus: Substatus) => stats.byState[substatus] > 0).map((substatus) =>
    fact(`${STATUS_ICON[substatus]} ${t(locale, `substatus.${substatus}`)}`, n(stats.byState[substatus])),
  );
  const duration = formatDuration(locale, stats.respondWithinMs);
  const decided = stats.acceptance.accepted + stats.acceptance.declined + stats.acceptance.expired + stats.acceptance.skipped;
  const shown = stats.sellers.slice(0, STATS_SELLER_LIMIT);
  const pooled = stats.sellers.some((seller) => seller.assigned > 0);
  const sellerColumns = [
    { sign: STATUS_ICON.Accepted, name: t(locale, 'stats.accepted'), width: 2 },
    { sign: STATUS_ICON.Won, name: t(locale, 'stats.won'), width: 2 },
    { sign: STATUS_ICON.Lost, name: t(locale, 'stats.lost'), width: 2 },
    { sign: '⏱️', name: t(locale, 'stats.medianResponse'), width: 3 },
    ...(pooled
      ? [
          { sign: '👉', name: t(locale, 'stats.assigned'), width: 2 },
          { sign: '✅', name: t(locale, 'stats.answeredInTime'), width: 2 },
        ]
      : []),
  ];
  return {
    title: t(locale, 'stats.title', { period: t(locale, `stats.period.${options.period}`) }),
    scope: options.scope,
    received: {
      heading: t(locale, 'stats.received', { count: n(stats.received) }),
      empty: stateFacts.length === 0,
      emptyText: t(locale, 'stats.receivedNone'),
      facts: stateFacts,
    },
    response: {
      heading: t(locale, 'stats.responseHeading'),
      facts: [
        fact(t(locale, 'stats.medianResponse'), durationText(locale, stats.medianResponseMs)),
        fact(t(locale, 'stats.p90Response'), durationText(locale, stats.p90ResponseMs)),
        fact(
          t(locale, 'stats.answeredWithin', { duration }),
          rateText(locale, stats.answeredWithin.count, stats.answeredWithin.of, stats.answeredWithin.share),
        ),
        // Assignment pools only: how fast the person it was given to answered.
        ...(pooled
          ? [
              fact(
                t(locale, 'stats.assigneeAnswer'),
                t(locale, 'stats.assigneeAnswerValue', {
                  median: durationText(locale, stats.assigneeAnswer.medianMs),
                  p90: durationText(locale, stats.assigneeAnswer.p90Ms),
                  count: n(stats.assigneeAnswer.answered),
                }),
              ),
            ]
          : []),
      ],
    },
    outcomes: {
      heading: t(locale, 'stats.outcomesHeading'),
      facts: [
        fact(t(locale, 'stats.acceptanceRate'), rateText(locale, stats.acceptance.accepted, decided, stats.acceptance.rate)),
        fact(t(locale, 'stats.expired'), n(stats.expired)),
        fact(t(locale, 'stats.winRate'), rateText(locale, stats.win.won, stats.win.won + stats.win.lost, stats.win.rate)),
        fact(t(locale, 'stats.wonValue'), moneyText(locale, stats.wonValue)),
        fact(
          t(locale, 'stats.pipeline'),
          stats.pipeline.openDeals === 0
            ? NONE
            : t(locale, 'stats.pipelineValue', { value: moneyText(locale, stats.pipeline.value), count: n(stats.pipeline.openDeals) }),
        ),
        ...pipelineTotalFacts(locale, stats),
      ],
    },
    sellers: {
      heading: t(locale, 'stats.sellersHeading'),
      empty: shown.length === 0,
      emptyText: t(locale, 'stats.sellersNone'),
      // Figures are headed by a sign, explained in the legend under the table: a word would have to
      // break mid-word in a column this narrow ("Реализов|ано"); the seller's column is the wide one.
      header: [t(locale, 'stats.seller'), ...sellerColumns.map((column) => column.sign)],
      legend: sellerColumns.map((column) => `${column.sign} ${column.name}`).join(' · '),
      // One column per header cell: the two assignment columns only where a pool assigned anyone.
      columns: [{ width: 4 }, ...sellerColumns.map((column) => ({ width: column.width }))],
      rows: shown.map((seller) => ({
        cells: [
          escapeMarkdown(seller.name),
          n(seller.accepted),
          n(seller.won),
          n(seller.lost),
          durationText(locale, seller.medianResponseMs),
          ...(pooled ? [n(seller.assigned), n(seller.answeredInTime)] : []),
        ],
      })),
      hasMore: stats.sellers.length > shown.length,
      moreText: t(locale, 'list.more', { count: stats.sellers.length - shown.length }),
    },
    charts: chartsData(locale, options.charts, stats.respondWithinMs),
    note: t(locale, 'stats.note', { duration }),
  };
}

// ---------------------------------------------------------------------------------------------
// digest

export interface DigestCardOptions {
  /** The slot (ISO): the digest's date. */
  slot: string;
  /** Changes are those since this time (ISO). */
  since: string;
  /** Totals when the lists were cut (the params carry at most DIGEST_SECTION_LIMIT items each). */
  attentionTotal?: number;
  changesTotal?: number;
  /** The time zone moments are written in (default UTC_DISPLAY). */
  display?: Display;
}

const ATTENTION_KEYS: Record<AttentionCategory, MessageKey> = {
  expiringSoon: 'digest.expiringSoon',
  overdue: 'digest.overdue',
  dueToday: 'digest.dueToday',
  closeDatePassed: 'digest.closeDatePassed',
};

const CHANGE_KEYS: Record<ChangeKind, MessageKey> = {
  received: 'digest.change.received',
  interested: 'digest.change.interested',
  accepted: 'digest.change.accepted',
  declined: 'digest.change.declined',
  skipped: 'digest.change.skipped',
  won: 'digest.change.won',
  lost: 'digest.change.lost',
  expired: 'digest.change.expired',
};

const CHANGE_ICONS: Record<ChangeKind, string> = {
  received: '🆕',
  interested: '🔎',
  accepted: '🤝',
  declined: '❌',
  skipped: '⏭️',
  won: '🏆',
  lost: '📉',
  expired: '⌛',
};

export function digestCardData(locale: Locale, content: DigestContent, options: DigestCardOptions) {
  const attentionTotal = Math.max(options.attentionTotal ?? 0, content.attention.length);
  const changesTotal = Math.max(options.changesTotal ?? 0, content.changes.length);
  const { timeZone } = options.display ?? UTC_DISPLAY;
  const attention = content.attention.slice(0, DIGEST_SECTION_LIMIT);
  const changes = content.changes.slice(0, DIGEST_SECTION_LIMIT);
  return {
    title: t(locale, 'digest.title'),
    subtitle: t(locale, 'digest.subtitle', { date: formatDateTime(locale, options.slot, timeZone), since: formatDateTime(locale, options.since, timeZone) }),
    attention: {
      show: attention.length > 0,
      heading: t(locale, 'digest.attentionHeading', { count: formatNumber(locale, attentionTotal) }),
      rows: attention.map((item): RowData => {
        const deadline =
          item.category === 'closeDatePassed' || (item.category === 'dueToday' && item.substatus === 'Accepted')
            ? formatDate(locale, item.at)
            : formatDateTime(locale, item.at, timeZone);
        const lines = [line(t(locale, ATTENTION_KEYS[item.category], { date: deadline }), item.category === 'dueToday' ? 'warning' : 'attention')];
        lines.push(
          line(
            `${STATUS_ICON[item.substatus]} ${t(locale, `substatus.${item.substatus}`)} · ${item.owner ? t(locale, 'list.owner', { name: escapeMarkdown(item.owner) }) : t(locale, 'list.noOwner')}`,
          ),
        );
        return { headline: headline(item.customer, item.name), lines, button: showButton(locale, item.id) };
      }),
      hasMore: attentionTotal > attention.length,
      moreText: t(locale, 'list.more', { count: attentionTotal - attention.length }),
    },
    changes: {
      show: changes.length > 0,
      heading: t(locale, 'digest.changesHeading', { count: formatNumber(locale, changesTotal) }),
      rows: changes.map((item): RowData => {
        let text = `${CHANGE_ICONS[item.kind]} ${t(locale, CHANGE_KEYS[item.kind], { actor: item.actor === undefined ? t(locale, 'digest.nobody') : escapeMarkdown(item.actor) })}`;
        if (item.dealValue !== undefined) text += ` · ${formatMoney(locale, item.dealValue, item.currency ?? 'USD')}`;
        return {
          headline: headline(item.customer, item.name),
          lines: [line(text), line(formatDateTime(locale, item.at, timeZone))],
          button: showButton(locale, item.id),
        };
      }),
      hasMore: changesTotal > changes.length,
      moreText: t(locale, 'list.more', { count: changesTotal - changes.length }),
    },
  };
}
