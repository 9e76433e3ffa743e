// The one fake clock of the tests: a Clock (() => Date) the test sets and moves by hand. Pass it
// as the service's clock (startService(env, { clock })) or to the core as `now`.

import type { Clock } from '../../bot/clock.js';

export interface FakeClock extends Clock {
  /** Now, in ms since the epoch. */
  ms(): number;
  set(to: number | Date): void;
  advance(by: number): void;
}

export function fakeClock(start: number | Date): FakeClock {
  let now = typeof start === 'number' ? start : start.getTime();
  const clock = (() => new Date(now)) as FakeClock;
  clock.ms = () => now;
  clock.set = (to) => {
    now = typeof to === 'number' ? to : to.getTime();
  };
  clock.advance = (by) => {
    now += by;
  };
  return clock;
}
