// Assignment pools at work (docs/architecture.md#assignment): the first assignment of a pooled
// referral, a pass, and the window's end each pick the next person (referrals/assignment.ts) and
// apply the move through applyCommand. The pick is kept in the bot state under
// `referralId#round` before the move is written: a move retried after a crash, on another
// instance, or raced by a pass gets the same person, and the rotation advances once.

import { awaitsFirstAnswer, chooseAssignee, currentAssignee, loadOf, type PoolMember, type Skip } from '../../referrals/assignment.js';
import type { NextAssignee } from '../../referrals/commands.js';
import { todayIn } from '../../referrals/calendar.js';
import type { Actor } from '../../referrals/model.js';
import { addWorkingTime, type WorkingHours } from '../../referrals/working-hours.js';
import type { BotState, ReferralRecord } from '../../storage/store.js';
import type { StoredPool } from '../../storage/bot-state.js';
import { applyCommand, type CommandDeps, type CommandResult } from './apply-command.js';
import type { LoadIndex } from './load-index.js';

/**
 * How many picks the state keeps, newest first. A pick is needed only until its move is written
 * (a crash, a failover or a racing pass in between): far fewer are ever under way at once, and the
 * bot state is written whole, so it stays small.
 */
const MAX_PICKS = 256;

export interface AssignmentDeps {
  commands: CommandDeps;
  /** ASSIGN_RESPOND_WITHIN: the window when the pool names none. */
  respondWithinMs: number;
  /** WORKING_HOURS: windows count working time only. */
  workingHours?: WorkingHours;
  /** Open referrals per person, kept current (default: counted from the open records at each choice). */
  load?: LoadIndex;
}

/** The pool of the channel the referral's card is in, if that channel has one. */
export function poolFor(state: BotState, record: ReferralRecord): StoredPool | undefined {
  const channel = record.card?.target;
  return channel === undefined ? undefined : state.assignment.pools[channel];
}

/** Whether a referral waits for its first assignment: pooled channel, unanswered, never assigned, arrived after the pool. */
export function needsAssignment(state: BotState, record: ReferralRecord): boolean {
  const referral = record.referral;
  if (!awaitsFirstAnswer(referral) || referral.assignment !== undefined) return false;
  const pool = poolFor(state, record);
  return pool !== undefined && Date.parse(referral.receivedDateTime) >= Date.parse(pool.since);
}

function keepNewest(picks: BotState['assignment']['picks']): BotState['assignment']['picks'] {
  const entries = Object.entries(picks);
  if (entries.length <= MAX_PICKS) return picks;
  return Object.fromEntries(entries.sort(([, a], [, b]) => Date.parse(b.at) - Date.parse(a.at)).slice(0, MAX_PICKS));
}

/** `member` as the assignee from `now`: their window, counted in working hours. */
function given(deps: AssignmentDeps, pool: StoredPool, member: PoolMember, now: Date) {
  const windowMs = pool.respondWithinMs ?? deps.respondWithinMs;
  return {
    assignee: { id: member.id, name: member.name, ...(member.teamsId !== undefined && { teamsId: member.teamsId }) },
    answerBy: addWorkingTime(deps.workingHours, now, windowMs).toISOString(),
    windowMs,
  };
}

/** The next person for this referral (or nobody), picked once per round and kept. */
export async function pickNext(deps: AssignmentDeps, record: ReferralRecord): Promise<NextAssignee> {
  const { store, clock, display } = deps.commands;
  const referral = record.referral;
  const key = `${referral.id}#${(referral.assignment?.round ?? 0) + 1}`;
  return store.updateState((state) => {
    const kept = state.assignment.picks[key];
    if (kept) return { result: kept.next };
    const pool = poolFor(state, record);
    const nobody = (skipped: Skip[]): NextAssignee => ({ nobody: true, skipped });
    if (!pool) return { result: nobody([]) };
    const now = clock();
    const load =
      deps.load?.load(referral.id) ??
      loadOf(
        store
          .openRecords()
          .filter((other) => other.referral.id !== referral.id)
          .map((other) => other.referral),
      );
    const choice = chooseAssignee({
      pool,
      rotation: pool.rotation,
      away: state.assignment.away,
      load,
      tried: referral.assignment?.tried ?? [],
      today: todayIn(now, display.timeZone),
    });
    let next: NextAssignee;
    let pools = state.assignment.pools;
    if (choice.ok) {
      next = { ...given(deps, pool, choice.member, now), skipped: choice.skipped };
      pools = { ...pools, [record.card!.target]: { ...pool, rotation: choice.rotation } };
    } else {
      next = nobody(choice.skipped);
    }
    const picks = keepNewest({ ...state.assignment.picks, [key]: { next, at: now.toISOString() } });
    return { state: { ...state, assignment: { ...state.assignment, pools, picks } }, result: next };
  });
}

/** The first assignment of a referral its channel's pool takes; undefined when it needs none. */
export async function assignNew(deps: AssignmentDeps, id: string): Promise<CommandResult | undefined> {
  const record = await deps.commands.store.get(id);
  if (!record || !needsAssignment(deps.commands.store.readState(), record)) return undefined;
  return applyCommand(deps.commands, id, { type: 'assign', next: await pickNext(deps, record) });
}

/** The assignee's Pass: on to the next person at once. */
export async function passOn(deps: AssignmentDeps, record: ReferralRecord, actor: Actor, version: number): Promise<CommandResult> {
  const next = await pickNext(deps, record);
  return applyCommand(deps.commands, record.referral.id, { type: 'pass', actor, next }, { expectedVersion: version });
}

/** The window ran out (the scheduler's assignTimeout): on to the next person. */
export async function moveOn(deps: AssignmentDeps, record: ReferralRecord): Promise<CommandResult> {
  const next = await pickNext(deps, record);
  return applyCommand(deps.commands, record.referral.id, { type: 'assignTimeout', next });
}

/** The pool members a manager may give this referral to: everyone in its channel's pool but the one who has it. */
export function reassignChoices(deps: AssignmentDeps, record: ReferralRecord): { id: string; name: string }[] {
  const pool = poolFor(deps.commands.store.readState(), record);
  const holder = currentAssignee(record.referral)?.id;
  return (pool?.members ?? []).filter((member) => member.id !== holder).map((member) => ({ id: member.id, name: member.name }));
}

/** A manager's Reassign to `to` (a pool member's id); undefined when `to` is not in the referral's pool. */
export async function reassign(deps: AssignmentDeps, record: ReferralRecord, actor: Actor, to: string, version: number): Promise<CommandResult | undefined> {
  const pool = poolFor(deps.commands.store.readState(), record);
  const member = pool?.members.find((candidate) => candidate.id === to);
  if (!pool || !member) return undefined;
  const next = { ...given(deps, pool, member, deps.commands.clock()), skipped: [] };
  return applyCommand(deps.commands, record.referral.id, { type: 'reassign', actor, asManager: true, next }, { expectedVersion: version });
}
