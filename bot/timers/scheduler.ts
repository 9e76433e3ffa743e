// The scheduler loop (docs/architecture.md#timers): keeps each open referral's next firing in a
// min-heap, sleeps with one timer until the earliest, and fires what is due through the one command
// path (applyCommand → decide() → one store write with the event and its outbox messages).
//
// Exactly once: decide() re-checks inside the store's serialized write that the timer is still due
// (its history records the timers that fired), so a timer never fires twice, across restarts and
// racing card actions alike; a NotDue / Closed answer just means the reason is gone.
// Cost: the heap is built once from store.openRecords() at start and kept current through
// store.onChange; a wake-up touches only the heap top and the referrals it fires.

import { clearBackgroundTimer, setBackgroundTimer, type TimerHandle } from './background-timer.js';
import type { Policy } from '../../referrals/policy.js';
import type { WorkingHours } from '../../referrals/working-hours.js';
import type { ReferralRecord, Store } from '../../storage/store.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { firingNow, nextFiring, type ScheduledTimer } from './fire-times.js';
import { TimerHeap } from './timer-heap.js';
import { applyCommand, type CommandDeps, type CommandResult } from '../use-cases/apply-command.js';
import { backoffDelay } from '../retry.js';

export type { TimerHandle } from './background-timer.js';

export interface SchedulerOptions {
  store: Store;
  /** The command path timers go through; its clock and policy are what decide() uses. */
  commands: CommandDeps;
  /** Default: commands.policy. Use the same policy as `commands`, or timers are indexed at times decide() disagrees with. */
  policy?: Policy;
  /** Default: commands.clock. */
  clock?: Clock;
  /** When set, reminders (remind, warnExpiry, remindCloseDate) falling outside wait for the next working period. */
  workingHours?: WorkingHours;
  log: Logger;
  /** Injectable for fake clocks. Default: setTimeout (unref'd). */
  setTimer?: (callback: () => void, ms: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
  /** Longest single sleep: bounds setTimeout's 2^31 ms limit and the lateness after a wall-clock jump. Default 60 s. */
  maxSleepMs?: number;
  /** Retry delay after a failed firing: doubles from `initial` up to `max`. Default 1 s … 5 min. */
  retryBackoffMs?: { initial: number; max: number };
  /** The backoff's jitter (bot/retry.ts). Default Math.random. */
  random?: () => number;
  /**
   * Fires an assignee's window (bot/use-cases/assignment.ts): picks the next person of the pool and
   * applies the move. Default: the move without a next person (managers are told).
   */
  moveOn?: (record: ReferralRecord) => Promise<CommandResult>;
}

interface Retry {
  attempts: number;
  notBefore: number;
}

const DEFAULT_MAX_SLEEP_MS = 60_000;
const DEFAULT_BACKOFF = { initial: 1_000, max: 5 * 60_000 };

export class Scheduler {
  readonly #store: Store;
  readonly #commands: CommandDeps;
  readonly #policy: Policy;
  readonly #clock: Clock;
  readonly #workingHours: WorkingHours | undefined;
  readonly #log: Logger;
  readonly #setTimer: (callback: () => void, ms: number) => TimerHandle;
  readonly #clearTimer: (handle: TimerHandle) => void;
  readonly #maxSleepMs: number;
  readonly #backoff: { initial: number; max: number };
  readonly #random: () => number;
  readonly #moveOn: (record: ReferralRecord) => Promise<CommandResult>;

  readonly #heap = new TimerHeap<ScheduledTimer>();
  readonly #retries = new Map<string, Retry>();
  #running = false;
  #unsubscribe: (() => void) | undefined;
  #timer: TimerHandle | undefined;
  /** The heap key the armed timer was set for. */
  #armedFor: number | undefined;
  #firing: Promise<void> | undefined;

  constructor(options: SchedulerOptions) {
    this.#store = options.store;
    this.#commands = options.commands;
    this.#policy = options.policy ?? options.commands.policy;
    this.#clock = options.clock ?? options.commands.clock;
    this.#workingHours = options.workingHours;
    this.#log = options.log;
    this.#setTimer = options.setTimer ?? setBackgroundTimer;
    this.#clearTimer = options.clearTimer ?? clearBackgroundTimer;
    this.#maxSleepMs = Math.min(options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS, 2 ** 31 - 1);
    this.#backoff = options.retryBackoffMs ?? DEFAULT_BACKOFF;
    this.#random = options.random ?? Math.random;
    this.#moveOn =
      options.moveOn ?? ((record) => applyCommand(this.#commands, record.referral.id, { type: 'assignTimeout', next: { nobody: true, skipped: [] } }));
  }

  /** Indexes the open referrals (the store must be open) and arms the timer; timers already due fire right away (catch-up). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe ??= this.#store.onChange((record) => this.#onChange(record));
    this.#heap.clear();
    this.#retries.clear();
    for (const record of this.#store.openRecords()) this.#index(record);
    const next = this.#heap.peek();
    this.#log.info('scheduler started', {
      timers: this.#heap.size,
      nextDueAt: next ? new Date(next.key).toISOString() : null,
      workingHours: this.#workingHours?.source ?? null,
    });
    this.#arm();
  }

  /** Stops waking and waits for a firing under way (call before closing the store). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#disarm();
    await this.whenIdle();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#heap.clear();
    this.#retries.clear();
  }

  get running(): boolean {
    return this.#running;
  }

  /** How many open referrals have a timer ahead (the start-up log, the benchmark). */
  get size(): number {
    return this.#heap.size;
  }

  /** Resolves once no firing is under way. */
  async whenIdle(): Promise<void> {
    while (this.#firing) await this.#firing;
  }

  // --- index -------------------------------------------------------------------------------------

  #onChange(record: ReferralRecord): void {
    if (!this.#running) return;
    // A change (a person acted, or a timer fired) is a new situation: forget earlier failures.
    this.#retries.delete(record.referral.id);
    this.#index(record);
    this.#arm();
  }

  #index(record: ReferralRecord): void {
    const id = record.referral.id;
    let next: ScheduledTimer | undefined;
    try {
      next = nextFiring(record.referral, this.#policy, this.#workingHours);
    } catch (error) {
      this.#log.error('scheduler: cannot compute the timers of a referral', { id, error });
    }
    if (!next) {
      this.#heap.delete(id);
      this.#retries.delete(id);
      return;
    }
    const retry = this.#retries.get(id);
    this.#heap.set(id, Math.max(next.fireAt, retry?.notBefore ?? Number.NEGATIVE_INFINITY), next);
  }

  // --- sleeping and waking ----------------------------------------------------------------------

  #arm(): void {
    if (!this.#running || this.#firing) return;
    const top = this.#heap.peek();
    if (!top) return this.#disarm();
    if (this.#timer !== undefined && this.#armedFor === top.key) return;
    this.#disarm();
    const delay = Math.min(Math.max(top.key - this.#clock().getTime(), 0), this.#maxSleepMs);
    this.#armedFor = top.key;
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined;
      this.#armedFor = undefined;
      this.#wake();
    }, delay);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
    this.#armedFor = undefined;
  }

  #wake(): void {
    if (!this.#running || this.#firing) return;
    this.#firing = this.#fireDue()
      .catch((error: unknown) => this.#log.error('scheduler: wake-up failed', { error }))
      .finally(() => {
        this.#firing = undefined;
        this.#arm();
      });
  }

  /** Fires every due timer, oldest first across referrals, one at a time. */
  async #fireDue(): Promise<void> {
    while (this.#running) {
      const now = this.#clock();
      const top = this.#heap.peek();
      if (!top || top.key > now.getTime()) return;
      await this.#fireNext(top.id, now);
    }
  }

  /**
   * Fires the referral's earliest due timer. Always makes progress: the entry afterwards is a later
   * timer, gone, or pushed past `now` by a retry backoff, so the loop cannot spin.
   */
  async #fireNext(id: string, now: Date): Promise<void> {
    let timer: ScheduledTimer | undefined;
    try {
      const record = await this.#store.get(id);
      if (!record) {
        this.#heap.delete(id);
        this.#retries.delete(id);
        return;
      }
      timer = firingNow(record.referral, this.#policy, this.#workingHours, now)[0];
      if (!timer) return this.#reindexAfter(record, now, 'nothing due');
      const result = timer.type === 'assignTimeout' ? await this.#moveOn(record) : await applyCommand(this.#commands, id, { type: timer.type });
      if (result.ok) {
        this.#log.info('timer fired', { id, timer: timer.type, dueAt: timer.dueAt, lateMs: this.#clock().getTime() - timer.fireAt });
        this.#retries.delete(id);
        this.#index(result.record);
        return;
      }
      // NotDue / Closed: the reason is gone (someone acted a moment earlier). Normal.
      this.#log.debug('timer not fired', { id, timer: timer.type, code: result.error.code });
      if (result.record) this.#reindexAfter(result.record, now, result.error.code);
      else {
        this.#heap.delete(id);
        this.#retries.delete(id);
      }
    } catch (error) {
      const retry = this.#retryLater(id, now);
      this.#log.error('scheduler: firing a timer failed; will retry', {
        id,
        timer: timer?.type,
        attempts: retry.attempts,
        retryAt: new Date(retry.notBefore).toISOString(),
        error,
      });
    }
  }

  /** Re-indexes after a firing that wrote nothing; if the entry is still due, the core disagrees: back off. */
  #reindexAfter(record: ReferralRecord, now: Date, why: string): void {
    this.#index(record);
    const entry = this.#heap.get(record.referral.id);
    if (entry && entry.key <= now.getTime()) {
      const retry = this.#retryLater(record.referral.id, now);
      this.#log.warn('scheduler: a timer looks due but the lifecycle core does not fire it; retrying later', {
        id: record.referral.id,
        timer: entry.value.type,
        why,
        retryAt: new Date(retry.notBefore).toISOString(),
      });
    }
  }

  #retryLater(id: string, now: Date): Retry {
    const attempts = (this.#retries.get(id)?.attempts ?? 0) + 1;
    // Timers of many referrals fail together (the store is down): the jitter spreads their retries.
    const delay = backoffDelay(attempts, { baseMs: this.#backoff.initial, maxMs: this.#backoff.max, maxAttempts: Infinity }, undefined, this.#random);
    const retry = { attempts, notBefore: now.getTime() + delay };
    this.#retries.set(id, retry);
    const entry = this.#heap.get(id);
    if (entry) this.#heap.set(id, Math.max(entry.key, retry.notBefore), entry.value);
    return retry;
  }
}
