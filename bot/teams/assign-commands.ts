// The assignment commands (README "Assignment"): `assign …` sets and tunes a channel's pool
// (managers, in the channel); `away [until YYYY-MM-DD]` and `back` are anyone's for themselves and
// managers' for others. Grammar and rules: docs/architecture.md#assignment.

import { escapeMarkdown, formatDate, formatDuration, renderPool, t, type Locale } from '../../cards/index.js';
import { recentAndOpenRecords } from '../use-cases/recent-records.js';
import { isAway, loadOf, MAX_POOL, MAX_WEIGHT, MIN_WEIGHT, parseWindow, poolFigures, type PoolMember } from '../../referrals/assignment.js';
import { isDateOnly, todayIn } from '../../referrals/calendar.js';
import type { Person } from '../../storage/bot-state-reads.js';
import type { StoredPool } from '../../storage/bot-state.js';
import { changePool, removePool, setAway, setPool } from '../use-cases/pools.js';
import type { AssignmentDeps } from '../use-cases/assignment.js';
import type { ExtraCommand, Reply, ResolvedPerson, TextCommandContext } from './text-commands.js';

export interface AssignCommandDeps {
  assignment: AssignmentDeps;
}

/** The mentioned people with their AAD object ids, when the message's handler can look them up. */
async function resolve(context: TextCommandContext, people: readonly Person[]): Promise<ResolvedPerson[]> {
  return context.resolvePeople ? context.resolvePeople(people) : [...people];
}

const text = (value: string): Reply[] => [{ text: value }];

function memberOf(person: ResolvedPerson): Omit<PoolMember, 'weight'> {
  return { id: person.aadObjectId ?? person.id, name: person.name, teamsId: person.id };
}

/** "Anna (weight 2, 1 open), Bruno (away until 28 Dec, 0 open) · cap 5 · answer within 2 h". */
export function describePool(deps: AssignCommandDeps, locale: Locale, pool: StoredPool): string {
  const { store, clock, display } = deps.assignment.commands;
  const state = store.readState();
  const load = deps.assignment.load?.load() ?? loadOf(store.openRecords().map((record) => record.referral));
  const today = todayIn(clock(), display.timeZone);
  const people = pool.members.map((member) => {
    const away = state.assignment.away[member.id];
    const parts = [t(locale, 'assign.weight', { weight: member.weight }), t(locale, 'assign.open', { count: load[member.id] ?? 0 })];
    if (isAway(away, today)) {
      parts.unshift(away?.until ? t(locale, 'assign.awayUntil', { date: formatDate(locale, `${away.until}T00:00:00.000Z`) }) : t(locale, 'assign.away'));
    }
    return `${escapeMarkdown(member.name)} (${parts.join(', ')})`;
  });
  const window = formatDuration(locale, pool.respondWithinMs ?? deps.assignment.respondWithinMs);
  const cap = pool.cap === undefined ? t(locale, 'assign.noCap') : t(locale, 'assign.cap', { cap: pool.cap });
  return t(locale, 'assign.shown', { people: people.join('\n- '), cap, window });
}

const FAIRNESS_WINDOW_MS = 30 * 86_400_000;

/** The `assign` card: each member now, and their last 30 days. */
async function poolCard(deps: AssignCommandDeps, locale: Locale, pool: StoredPool) {
  const { store, clock, display } = deps.assignment.commands;
  const now = clock();
  const from = new Date(now.getTime() - FAIRNESS_WINDOW_MS).toISOString();
  const load = deps.assignment.load?.load() ?? loadOf(store.openRecords().map((record) => record.referral));
  const recent = (await recentAndOpenRecords(store, from)).map((record) => record.referral);
  const members = poolFigures(pool, store.readState().assignment.away, load, recent, { from, today: todayIn(now, display.timeZone) });
  return renderPool(locale, {
    members,
    ...(pool.cap !== undefined && { cap: pool.cap }),
    respondWithinMs: pool.respondWithinMs ?? deps.assignment.respondWithinMs,
  });
}

function usage(locale: Locale): Reply[] {
  return text(t(locale, 'assign.usage'));
}

async function assign(deps: AssignCommandDeps, context: TextCommandContext, args: string[]): Promise<Reply[]> {
  const { locale } = context;
  const store = deps.assignment.commands.store;
  if (context.scope !== 'channel') return text(t(locale, 'assign.channelOnly'));
  const current = store.readState().assignment.pools[context.targetKey];
  const word = args[0]?.toLowerCase();
  if (word === undefined) return current ? [{ card: await poolCard(deps, locale, current) }] : text(t(locale, 'assign.none'));
  if (!context.isManager) return text(t(locale, 'assign.managersOnly'));
  const mentioned = context.mentioned ?? [];
  switch (word) {
    case 'off':
      return text(t(locale, (await removePool(store, context.targetKey)) ? 'assign.removed' : 'assign.none'));
    case 'weight': {
      const words = wordsBesideMentions(args.slice(1), mentioned);
      const weight = Number(words[0]);
      if (mentioned.length !== 1 || words.length !== 1 || !Number.isInteger(weight) || weight < MIN_WEIGHT || weight > MAX_WEIGHT) return usage(locale);
      const [person] = await resolve(context, mentioned);
      const id = person ? memberOf(person).id : undefined;
      if (!current?.members.some((member) => member.id === id)) return text(t(locale, current ? 'assign.notInPool' : 'assign.none'));
      const pool = await changePool(store, context.targetKey, (pool) => ({
        ...pool,
        members: pool.members.map((member) => (member.id === id ? { ...member, weight } : member)),
      }));
      return text(pool ? describePool(deps, locale, pool) : t(locale, 'assign.none'));
    }
    case 'cap': {
      const value = args[1]?.toLowerCase();
      const cap = Number(value);
      if (value !== 'off' && (!Number.isInteger(cap) || cap < 1 || cap > 1000)) return usage(locale);
      const pool = await changePool(store, context.targetKey, ({ cap: _old, ...pool }) => (value === 'off' ? pool : { ...pool, cap }));
      return text(pool ? describePool(deps, locale, pool) : t(locale, 'assign.none'));
    }
    case 'within': {
      const ms = parseWindow(args[1] ?? '');
      if (ms === undefined || args.length !== 2) return usage(locale);
      const pool = await changePool(store, context.targetKey, (pool) => ({ ...pool, respondWithinMs: ms }));
      return text(pool ? describePool(deps, locale, pool) : t(locale, 'assign.none'));
    }
    default: {
      // `assign [me] @Anna @Bruno`: the words are the mentions' names; only the mentions (and "me") count.
      const me = context.writer && wordsBesideMentions(args, mentioned).some((word) => word.toLowerCase() === 'me') ? [context.writer] : [];
      const chosen = [...me, ...mentioned.filter((person) => !me.some((writer) => writer.id === person.id))];
      if (chosen.length === 0) return usage(locale);
      if (chosen.length > MAX_POOL) return text(t(locale, 'assign.tooMany', { max: MAX_POOL }));
      const people = await resolve(context, chosen);
      const pool = await setPool(store, context.targetKey, people.map(memberOf), deps.assignment.commands.clock());
      return text(describePool(deps, locale, pool));
    }
  }
}

/** The words of a message without the names of the people it @mentions (Teams puts each name in the text). */
function wordsBesideMentions(args: readonly string[], mentioned: readonly Person[]): string[] {
  const names = new Set(mentioned.flatMap((person) => person.name.toLowerCase().split(/\s+/)));
  return args.filter((word) => !word.startsWith('@') && !names.has(word.toLowerCase()));
}

/** `away [@name] [until YYYY-MM-DD]` → until when, or undefined when the words do not fit. */
function parseAway(words: readonly string[]): { until?: string } | undefined {
  if (words.length === 0) return {};
  if (words.length === 2 && words[0]!.toLowerCase() === 'until' && isDateOnly(words[1]!)) return { until: words[1]! };
  return undefined;
}

async function whoFor(deps: AssignCommandDeps, context: TextCommandContext): Promise<{ id: string; name: string } | 'managersOnly' | 'unknown'> {
  const mentioned = context.mentioned ?? [];
  if (mentioned.length === 0) return context.actor ?? 'unknown';
  if (mentioned.length > 1) return 'unknown';
  if (!context.isManager && mentioned[0]!.id !== context.writer?.id) return 'managersOnly';
  const [person] = await resolve(context, mentioned);
  return person ? { id: memberOf(person).id, name: person.name } : 'unknown';
}

export function assignCommands(deps: AssignCommandDeps): Record<'assign' | 'away' | 'back', ExtraCommand> {
  return {
    assign: (context, args) => assign(deps, context, args),

    async away(context, args) {
      const { locale } = context;
      const parsed = parseAway(wordsBesideMentions(args, context.mentioned ?? []));
      if (!parsed) return text(t(locale, 'away.usage'));
      const today = todayIn(deps.assignment.commands.clock(), deps.assignment.commands.display.timeZone);
      if (parsed.until !== undefined && parsed.until <= today) return text(t(locale, 'away.dateInPast'));
      const who = await whoFor(deps, context);
      if (who === 'managersOnly') return text(t(locale, 'away.managersOnly'));
      if (who === 'unknown') return text(t(locale, 'away.usage'));
      await setAway(deps.assignment.commands.store, who.id, { name: who.name, ...(parsed.until !== undefined && { until: parsed.until }) });
      const name = escapeMarkdown(who.name);
      return text(
        parsed.until === undefined
          ? t(locale, 'away.set', { name })
          : t(locale, 'away.setUntil', { name, date: formatDate(locale, `${parsed.until}T00:00:00.000Z`) }),
      );
    },

    async back(context, args) {
      const { locale } = context;
      if (wordsBesideMentions(args, context.mentioned ?? []).length > 0) return text(t(locale, 'away.usage'));
      const who = await whoFor(deps, context);
      if (who === 'managersOnly') return text(t(locale, 'away.managersOnly'));
      if (who === 'unknown') return text(t(locale, 'away.usage'));
      await setAway(deps.assignment.commands.store, who.id, undefined);
      return text(t(locale, 'away.back', { name: escapeMarkdown(who.name) }));
    },
  };
}
