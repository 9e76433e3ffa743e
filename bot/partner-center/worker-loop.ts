// One background loop: runs a pass, then sleeps until the pass says (or until woken). Passes never
// overlap; stop() waits for the one under way. Shared by the Partner Center fetcher, writer and poll.

import type { Logger } from '../logger.js';
import { backoffDelay, type RetryPolicy } from '../retry.js';

/** After a pass that threw (a bug, the store down): 1 s, 2 s, … up to a minute, never given up. */
const FAILED_PASS_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: Infinity };

/** A pass returns how long to sleep before the next one (undefined: until woken). */
export type Pass = () => Promise<number | undefined>;

export class WorkerLoop {
  readonly #name: string;
  readonly #pass: Pass;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  /** Passes failed in a row: the next one waits longer (bot/retry.ts), up to a minute. */
  #failures = 0;

  constructor(name: string, pass: Pass, log: Logger) {
    this.#name = name;
    this.#pass = pass;
    this.#log = log;
  }

  start(): void {
    this.#stopped = false;
    this.wake();
  }

  /** Runs a pass soon; a wake during a pass runs another right after it. */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), 0);
  }

  #run(): void {
    this.#timer = undefined;
    this.#running = (async () => {
      let sleep: number | undefined = 1_000;
      try {
        sleep = await this.#pass();
        this.#failures = 0;
      } catch (error) {
        this.#failures++;
        sleep = backoffDelay(this.#failures, FAILED_PASS_RETRY);
        this.#log.error(`partner center: ${this.#name} failed`, { error, failuresInARow: this.#failures, retryInMs: sleep });
      }
      this.#running = undefined;
      if (this.#stopped) return;
      if (this.#again) {
        this.#again = false;
        sleep = 0;
      }
      if (sleep !== undefined) {
        this.#timer = setTimeout(() => this.#run(), Math.max(0, Math.min(sleep, 2_147_000_000)));
        this.#timer.unref();
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
