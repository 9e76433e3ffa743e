// Changes to assignment pools and away states (the `assign`, `away` and `back` commands), each one
// serialized state write (docs/architecture.md#assignment).

import { MAX_POOL, type Away, type PoolMember } from '../../referrals/assignment.js';
import type { Store } from '../../storage/store.js';
import type { AssignmentState, StoredPool } from '../../storage/bot-state.js';

function changeAssignment<T>(store: Store, change: (assignment: AssignmentState) => { assignment?: AssignmentState; result: T }): Promise<T> {
  return store.updateState((state) => {
    const { assignment, result } = change(state.assignment);
    return assignment ? { state: { ...state, assignment }, result } : { result };
  });
}

/** Sets the channel's pool to these people (weights of those already in it kept); a new pool assigns what arrives from `now` on. */
export function setPool(store: Store, channel: string, people: readonly Omit<PoolMember, 'weight'>[], now: Date): Promise<StoredPool> {
  return changeAssignment(store, (assignment) => {
    const current = assignment.pools[channel];
    const members = people.slice(0, MAX_POOL).map((person) => ({ ...person, weight: current?.members.find((m) => m.id === person.id)?.weight ?? 1 }));
    const pool: StoredPool = { ...(current ?? { since: now.toISOString(), rotation: {} }), members };
    return { assignment: { ...assignment, pools: { ...assignment.pools, [channel]: pool } }, result: pool };
  });
}

/** Removes the channel's pool; whether there was one. Referrals assigned keep their assignee until answered. */
export function removePool(store: Store, channel: string): Promise<boolean> {
  return changeAssignment(store, (assignment) => {
    if (!assignment.pools[channel]) return { result: false };
    const { [channel]: _removed, ...pools } = assignment.pools;
    return { assignment: { ...assignment, pools }, result: true };
  });
}

/** Changes the channel's pool (weight, cap, window); undefined when the channel has none. */
export function changePool(store: Store, channel: string, change: (pool: StoredPool) => StoredPool): Promise<StoredPool | undefined> {
  return changeAssignment(store, (assignment) => {
    const pool = assignment.pools[channel];
    if (!pool) return { result: undefined };
    const next = change(pool);
    return { assignment: { ...assignment, pools: { ...assignment.pools, [channel]: next } }, result: next };
  });
}

/** Marks someone away (until a date, or until `back`), or back (`away` undefined). */
export function setAway(store: Store, personId: string, away: Away | undefined): Promise<void> {
  return changeAssignment(store, (assignment) => {
    const { [personId]: _previous, ...rest } = assignment.away;
    return { assignment: { ...assignment, away: away ? { ...rest, [personId]: away } : rest }, result: undefined };
  });
}
