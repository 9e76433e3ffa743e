// Gives each new referral of a pooled channel its first assignee (docs/architecture.md#assignment).
// Runs with the background work (on the one instance that leads): it looks at every referral write
// and, at start, at every open referral, so a referral taken in just before a crash or on another
// instance is assigned once the work runs again. Later moves are the scheduler's timers.

import { needsAssignment, assignNew, type AssignmentDeps } from '../use-cases/assignment.js';
import type { ReferralRecord } from '../../storage/store.js';
import type { Logger } from '../logger.js';
import { backoffDelay } from '../retry.js';
import { clearBackgroundTimer, setBackgroundTimer, type TimerHandle } from './background-timer.js';

const RETRY = { baseMs: 1_000, maxMs: 60_000, maxAttempts: Infinity };

export class Assigner {
  readonly #deps: AssignmentDeps;
  readonly #log: Logger;
  readonly #queue = new Set<string>();
  #unsubscribe: (() => void) | undefined;
  #draining: Promise<void> | undefined;
  #retry: TimerHandle | undefined;
  #failures = 0;
  #running = false;

  constructor(deps: AssignmentDeps, log: Logger) {
    this.#deps = deps;
    this.#log = log;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const store = this.#deps.commands.store;
    this.#unsubscribe = store.onChange((record) => this.#consider(record));
    for (const record of store.openRecords()) this.#consider(record);
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#retry) clearBackgroundTimer(this.#retry);
    this.#retry = undefined;
    this.#queue.clear();
    await this.#draining;
  }

  #consider(record: ReferralRecord): void {
    if (!this.#running || !needsAssignment(this.#deps.commands.store.readState(), record)) return;
    this.#queue.add(record.referral.id);
    this.#drain();
  }

  #drain(): void {
    if (this.#draining || this.#retry) return;
    this.#draining = (async () => {
      while (this.#running && this.#queue.size > 0) {
        const id = this.#queue.values().next().value!;
        try {
          const result = await assignNew(this.#deps, id);
          this.#queue.delete(id);
          this.#failures = 0;
          if (result && !result.ok) this.#log.debug('assignment not applied', { id, code: result.error.code });
        } catch (error) {
          // The store is away: the queue keeps the id, and the next try waits.
          this.#failures++;
          const delay = backoffDelay(this.#failures, RETRY);
          this.#log.error('assigning a referral failed; will retry', { id, attempts: this.#failures, error });
          this.#retry = setBackgroundTimer(() => {
            this.#retry = undefined;
            this.#drain();
          }, delay);
          return;
        }
      }
    })().finally(() => {
      this.#draining = undefined;
    });
  }
}
