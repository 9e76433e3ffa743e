// One size of the scheduler benchmark, run in its own process like store-bench.ts:
// `seed <dir> <n>` fills a data directory (95 % closed, fixtures.ts); `measure <dir>` opens the
// store, starts the real Scheduler on a fake clock (its timer injected, so each wake-up is run
// and timed by hand) and prints one JSON line:
//   wakeP50/P95     one wake-up that fires one due timer: heap peek, store.get, choosing the due
//                   timer, applyCommand (decide + durable store write), re-indexing the referral
//   idleWakeP50/P95 one wake-up with nothing due (heap peek, re-arm): the scheduler's own cost
//   indexUpdateP50/P95  the scheduler's onChange work for one changed referral (heap update)
//   indexBuildMs    start(): indexing every open referral once (grows with open work, not per wake-up)
//   storeWriteP50   for reference: one applyCommand without the scheduler (the intake of the
//                   referral that the next wake-up fires), i.e. the store's share of wakeP50

import { performance } from 'node:perf_hooks';
import { createLogger } from '../../bot/logger.js';
import { Scheduler } from '../../bot/timers/scheduler.js';
import { applyCommand, type CommandDeps } from '../../bot/use-cases/apply-command.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { LowdbStore } from '../../storage/lowdb-store.js';
import { benchRfi, seedStore } from './fixtures.js';
import { percentile } from './percentiles.js';
import { UTC_DISPLAY } from '../../cards/display.js';

const OPERATIONS = 300;
const WARMUP = 30;
/** Before every seeded timer (the fixtures start on 2024-01-01, the first reminder is due a day later). */
const NOW = Date.parse('2024-01-01T00:00:00.000Z');

async function measure(dataDir: string): Promise<void> {
  const store = new LowdbStore({ dataDir });
  await store.open();
  const clock = () => new Date(NOW);
  const commands: CommandDeps = { store, policy: DEFAULT_POLICY, clock, plan: () => ({ outbox: [] }), display: UTC_DISPLAY };
  let armed: (() => void) | undefined;
  const scheduler = new Scheduler({
    store,
    commands,
    log: createLogger('silent'),
    setTimer: (callback) => (armed = callback),
    clearTimer: (handle) => {
      if (armed === handle) armed = undefined;
    },
  });

  // The scheduler's onChange work, timed between a listener registered before it and one after.
  let changeStarted = 0;
  const indexUpdates: number[] = [];
  store.onChange(() => (changeStarted = performance.now()));
  const buildStarted = performance.now();
  scheduler.start();
  const indexBuildMs = performance.now() - buildStarted;
  store.onChange(() => indexUpdates.push((performance.now() - changeStarted) * 1000));
  const timers = scheduler.size;

  const wake = async (): Promise<number> => {
    const callback = armed;
    if (!callback) throw new Error('the scheduler armed no wake-up');
    armed = undefined;
    const t0 = performance.now();
    callback();
    await scheduler.whenIdle();
    return performance.now() - t0;
  };

  const wakes: number[] = [];
  const idleWakes: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < WARMUP + OPERATIONS; i++) {
    // A referral whose 24 h reminder is due right now (not timed: that is intake).
    const id = `wake-${i}`;
    const rfi = { ...benchRfi(id, i), createdDateTime: new Date(NOW - DEFAULT_POLICY.respondWithinMs).toISOString() };
    const intakeStarted = performance.now();
    const intake = await applyCommand(commands, id, { type: 'takeIn', rfi });
    const intakeMs = performance.now() - intakeStarted;
    if (!intake.ok) throw intake.error;
    const fireMs = await wake();
    const record = await store.get(id);
    if (record?.referral.history.at(-1)?.type !== 'reminded') throw new Error(`wake-up ${i} did not fire the reminder of ${id}`);
    const idleMs = await wake();
    if (i >= WARMUP) {
      wakes.push(fireMs);
      writes.push(intakeMs);
      idleWakes.push(idleMs * 1000);
    } else indexUpdates.length = 0;
  }
  const stats = await store.stats();
  await scheduler.stop();
  await store.close();
  console.log(
    JSON.stringify({
      stored: stats,
      timers,
      indexBuildMs,
      wakeP50: percentile(wakes, 50),
      wakeP95: percentile(wakes, 95),
      idleWakeP50: percentile(idleWakes, 50),
      idleWakeP95: percentile(idleWakes, 95),
      indexUpdateP50: percentile(indexUpdates, 50),
      indexUpdateP95: percentile(indexUpdates, 95),
      storeWriteP50: percentile(writes, 50),
    }),
  );
}

const [mode, dataDir, count] = process.argv.slice(2);
if (mode === 'seed' && dataDir && count) await seedStore(dataDir, Number(count));
else if (mode === 'measure' && dataDir) await measure(dataDir);
else throw new Error('usage: scheduler-bench.ts seed <dir> <count> | measure <dir>');
