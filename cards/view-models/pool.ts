// The `assign` card (docs/architecture.md#assignment): each member's weight, away state and open
// referrals now, and in the last 30 days how often they were given one, answered in time, passed.

import type { PoolMemberFigures } from '../../referrals/assignment.js';
import { formatDate, formatDuration, formatNumber, t, type Locale } from '../i18n.js';
import { escapeMarkdown } from '../markdown.js';

export interface PoolCardInput {
  members: readonly PoolMemberFigures[];
  cap?: number;
  respondWithinMs: number;
}

export function poolCardData(locale: Locale, input: PoolCardInput) {
  const n = (value: number) => formatNumber(locale, value);
  const awayText = (away: PoolMemberFigures['away']) =>
    away === undefined
      ? t(locale, 'pool.available')
      : away === true
        ? t(locale, 'assign.away')
        : t(locale, 'assign.awayUntil', { date: formatDate(locale, `${away}T00:00:00.000Z`) });
  return {
    title: t(locale, 'pool.title'),
    intro: t(locale, 'pool.intro'),
    header: [
      t(locale, 'pool.person'),
      t(locale, 'pool.weight'),
      t(locale, 'pool.state'),
      t(locale, 'pool.open'),
      t(locale, 'stats.assigned'),
      t(locale, 'stats.answeredInTime'),
      t(locale, 'pool.passed'),
    ],
    rows: input.members.map((member) => ({
      cells: [
        escapeMarkdown(member.name),
        n(member.weight),
        awayText(member.away),
        n(member.open),
        n(member.assigned),
        n(member.answeredInTime),
        n(member.passed),
      ],
    })),
    settings: t(locale, 'pool.settings', {
      cap: input.cap === undefined ? t(locale, 'assign.noCap') : t(locale, 'assign.cap', { cap: input.cap }),
      window: formatDuration(locale, input.respondWithinMs),
    }),
    note: t(locale, 'pool.note'),
  };
}
