// The manager views as text commands: `list`, `stats` and `my`, each answered with one compact
// card. Grammar, what the figures cover and what they cost: docs/architecture.md#manager-views.

import { recentAndOpenRecords } from '../use-cases/recent-records.js';
import { renderList, renderStats, t, type StatsPeriod } from '../../cards/index.js';
import type { Policy } from '../../referrals/policy.js';
import { isListFilter, listView, type ListFilterName } from '../../referrals/queue-views.js';
import { stats } from '../../referrals/stats.js';
import { chartFigures } from '../../referrals/stats-charts.js';
import type { ReferralRecord, Store } from '../../storage/store.js';
import { mayView, type Viewer } from '../../referrals/permissions.js';
import type { Clock } from '../clock.js';
import type { ExtraCommand, Reply, TextCommandContext } from './text-commands.js';
import type { Display } from '../../cards/display.js';

export interface ManagerViewDeps {
  store: Store;
  policy: Policy;
  clock: Clock;
  display: Display;
  usdRates?: Readonly<Record<string, number>>;
}

export const STATS_PERIODS: Readonly<Record<StatsPeriod, number | undefined>> = {
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
  all: undefined,
};
export const DEFAULT_STATS_PERIOD: StatsPeriod = '30d';

function isStatsPeriod(value: unknown): value is StatsPeriod {
  return typeof value === 'string' && Object.hasOwn(STATS_PERIODS, value);
}

/** The asker's AAD object id: from the message, else (personal chat) from the conversation key. */
function actorIdOf(context: Pick<TextCommandContext, 'actor' | 'targetKey'>): string | undefined {
  if (context.actor) return context.actor.id;
  return context.targetKey.startsWith('user:') ? context.targetKey.slice('user:'.length) : undefined;
}

/** The asker, as the visibility rule (referrals/permissions.ts) sees them. */
export function viewerOf(context: Pick<TextCommandContext, 'scope' | 'targetKey' | 'isManager' | 'actor'>): Viewer {
  const actorId = actorIdOf(context);
  return { scope: context.scope, place: context.targetKey, isManager: context.isManager, ...(actorId !== undefined && { actorId }) };
}

/** Whether the asker may see this referral in this place. */
export function mayViewRecord(record: ReferralRecord, context: TextCommandContext): boolean {
  return mayView(record.referral, record.card?.target, viewerOf(context));
}

function scopeText(context: TextCommandContext): string {
  if (context.scope === 'channel') return t(context.locale, 'list.scope.channel');
  return t(context.locale, context.scope === 'personal' && context.isManager ? 'list.scope.all' : 'list.scope.own');
}

/** Open records in memory; closed ones (archived or not) only when asked for. */
async function recordsFor(deps: ManagerViewDeps, filter: ListFilterName): Promise<ReferralRecord[]> {
  if (filter === 'archived') return deps.store.listRecords({ status: 'Closed' });
  return deps.store.openRecords().filter((record) => record.referral.status !== 'Closed');
}

/** Everything a window starting at `from` needs: what changed since then, plus every open record (the pipeline is a snapshot). */

async function listReply(deps: ManagerViewDeps, context: TextCommandContext, filter: ListFilterName, title?: 'my'): Promise<Reply[]> {
  const now = deps.clock();
  const visible = (await recordsFor(deps, filter)).filter((record) => mayViewRecord(record, context)).map((record) => record.referral);
  const view = listView(visible, filter, actorIdOf(context) ?? '', now, deps.policy);
  const card = renderList(context.locale, view, {
    scope: scopeText(context),
    display: deps.display,
    ...(title === 'my' && { title: t(context.locale, 'my.title', { count: view.total }) }),
  });
  return [{ card }];
}

export function managerViewCommands(deps: ManagerViewDeps): Record<'list' | 'stats' | 'my', ExtraCommand> {
  return {
    async list(context, args) {
      const word = args[0]?.toLowerCase() ?? 'open';
      if (args.length > 1 || !isListFilter(word)) return [{ text: t(context.locale, 'list.usage') }];
      return listReply(deps, context, word);
    },

    async my(context, args) {
      if (args.length > 0) return [{ text: t(context.locale, 'list.usage') }];
      return listReply(deps, context, 'mine', 'my');
    },

    async stats(context, args) {
      const word = args[0]?.toLowerCase() ?? DEFAULT_STATS_PERIOD;
      if (args.length > 1 || !isStatsPeriod(word)) return [{ text: t(context.locale, 'stats.usage') }];
      const now = deps.clock();
      const span = STATS_PERIODS[word];
      const from = span === undefined ? undefined : new Date(now.getTime() - span);
      const visible = (await recentAndOpenRecords(deps.store, from?.toISOString()))
        .filter((record) => mayViewRecord(record, context))
        .map((record) => record.referral);
      const window = { ...(from && { from }), now, respondWithinMs: deps.policy.respondWithinMs, ...(deps.usdRates && { usdRates: deps.usdRates }) };
      const charts = chartFigures(visible, window);
      return [{ card: renderStats(context.locale, stats(visible, window), { period: word, scope: scopeText(context), charts }) }];
    },
  };
}
