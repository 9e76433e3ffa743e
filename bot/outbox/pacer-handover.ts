// Teams' rate limits hold for the bot as a whole (docs/architecture.md#several-instances): the
// instance that sends writes its pacing down every half second, and the next one to lead starts
// from it, so a failover does not begin with a burst into windows the last leader had filled.

import type { Logger } from '../logger.js';
import type { Pacer, PacerSnapshot } from './pacer.js';

const KEY = 'outbox.pacer';
export const HANDOVER_EVERY_MS = 500;

export interface RuntimeState {
  readRuntime<T>(key: string): Promise<T | undefined>;
  writeRuntime(key: string, value: unknown): Promise<void>;
}

export class PacerHandover {
  readonly #store: RuntimeState;
  readonly #pacer: Pacer;
  readonly #log: Logger;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #last = '';

  constructor(store: RuntimeState, pacer: Pacer, log: Logger, now: () => number = Date.now) {
    this.#store = store;
    this.#pacer = pacer;
    this.#log = log;
    this.#now = now;
  }

  /** Before sending: take over what the last leader wrote down. */
  async restore(): Promise<void> {
    const snapshot = await this.#store.readRuntime<PacerSnapshot>(KEY).catch((error: unknown) => {
      this.#log.warn('outbox: the last pacing could not be read; starting without it', { error });
      return undefined;
    });
    if (snapshot && typeof snapshot.at === 'number' && snapshot.windows && typeof snapshot.windows === 'object') {
      this.#pacer.restore(snapshot, this.#now(), HANDOVER_EVERY_MS);
    }
  }

  start(): void {
    this.#timer = setInterval(() => void this.#write(), HANDOVER_EVERY_MS);
    this.#timer.unref();
  }

  #write(): Promise<void> {
    const snapshot = this.#pacer.snapshot(this.#now());
    const text = JSON.stringify(snapshot.windows);
    if (text === this.#last) return this.#writing;
    this.#writing = this.#writing
      .then(() => this.#store.writeRuntime(KEY, snapshot))
      .then(
        () => void (this.#last = text),
        (error: unknown) => this.#log.warn('outbox: writing the pacing down failed', { error }),
      );
    return this.#writing;
  }

  /** After the sender stopped: the exact pacing for the next leader. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#write();
  }
}
