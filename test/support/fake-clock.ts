// The one fake clock of the tests: a Clock (() => Date) the test sets and moves by hand. Pass it
// as the service's clock (startService(env, { clock })) or to the core as `now`. For the loops that
// take a setTimer/clearTimer pair (the scheduler, the digest), it also keeps their timers and fires
// them as the test moves it on.

import type { Clock } from '../../bot/clock.js';

export interface FakeClock extends Clock {
  /** Now, in ms since the epoch. */
  ms(): number;
  set(to: number | Date): void;
  advance(by: number): void;
  /** Arms a timer on this clock (the setTimer option of the scheduler and the digest). */
  setTimer(callback: () => void, ms: number): number;
  clearTimer(handle: unknown): void;
  /** When each armed timer is due, in ms. */
  readonly armed: number[];
  /** Runs the timers due at or before `until` (moving the clock to each), without waiting for what they start. */
  fireDue(until: number): number;
  /** Moves the clock to `until` one armed timer at a time, letting what each starts finish (`loop.whenIdle`) before the next. */
  advanceTo(until: number, loop: { whenIdle(): Promise<void> }): Promise<void>;
}

export function fakeClock(start: number | Date): FakeClock {
  let now = typeof start === 'number' ? start : start.getTime();
  const timers = new Map<number, { at: number; callback: () => void }>();
  let seq = 0;
  const inOrder = () => [...timers].sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
  const fire = ([id, timer]: [number, { at: number; callback: () => void }]) => {
    timers.delete(id);
    now = Math.max(now, timer.at);
    timer.callback();
  };
  const clock = (() => new Date(now)) as FakeClock;
  clock.ms = () => now;
  clock.set = (to) => {
    now = typeof to === 'number' ? to : to.getTime();
  };
  clock.advance = (by) => {
    now += by;
  };
  clock.setTimer = (callback, ms) => {
    timers.set(++seq, { at: now + ms, callback });
    return seq;
  };
  clock.clearTimer = (handle) => {
    timers.delete(handle as number);
  };
  Object.defineProperty(clock, 'armed', { get: () => [...timers.values()].map((timer) => timer.at) });
  clock.fireDue = (until) => {
    let fired = 0;
    for (const entry of inOrder()) {
      if (entry[1].at > until) break;
      fire(entry);
      fired++;
    }
    now = Math.max(now, until);
    return fired;
  };
  clock.advanceTo = async (until, loop) => {
    for (;;) {
      await loop.whenIdle();
      // What a firing wrote wakes its listeners on the next turn: let them arm their timers first.
      await new Promise((resolve) => setImmediate(resolve));
      const next = inOrder()[0];
      if (!next || next[1].at > until) break;
      fire(next);
    }
    now = Math.max(now, until);
    await loop.whenIdle();
  };
  return clock;
}
