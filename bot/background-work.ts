// Where the background work runs (docs/architecture.md#several-instances): the scheduler, the
// digest, the outbox sender and the Partner Center loops. On the embedded store it runs here from
// the start; on PostgreSQL only while this instance holds the leader lock, and the Teams pacing is
// handed from one leader to the next.

import { LeaderLock, type LeaderStatus } from '../storage/postgres/leader-lock.js';
import { PgStore } from '../storage/postgres/pg-store.js';
import type { Store } from '../storage/store.js';
import type { Logger } from './logger.js';
import { PacerHandover } from './outbox/pacer-handover.js';
import type { Pacer } from './outbox/pacer.js';

export interface BackgroundWork {
  start(): Promise<void>;
  /** Everything but the sender (the service stops that last, after the requests under way). */
  stopTimers(): Promise<void>;
  stopSender(): Promise<void>;
  /** Another instance queued something (PostgreSQL): act on it now. */
  wake(): void;
}

export interface Background {
  status(): LeaderStatus | { leader: true };
  /** Stops the timers and loops here (a leader also steps down, so another takes over at once). */
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  store: Store;
  databaseUrl: string | undefined;
  failoverMs: number;
  pacer: Pacer;
  log: Logger;
}

export async function runBackground(work: BackgroundWork, options: BackgroundOptions): Promise<Background> {
  const { store, log } = options;
  if (!(store instanceof PgStore) || !options.databaseUrl) {
    await work.start();
    return { status: () => ({ leader: true }), stop: () => work.stopTimers() };
  }
  const handover = new PacerHandover(store, options.pacer, log);
  const lock = new LeaderLock({
    connectionString: options.databaseUrl,
    instance: store.instance,
    failoverMs: options.failoverMs,
    onElected: async () => {
      await handover.restore();
      handover.start();
      await work.start();
    },
    onDeposed: async () => {
      await work.stopTimers();
      await work.stopSender();
      await handover.stop();
    },
    log: (message, error) => (error ? log.warn(`scheduler: ${message}`, { error }) : log.info(`scheduler: ${message}`)),
  });
  // A webhook event or a bot-level message recorded by another instance: the leader acts on it now.
  store.onRemoteStateChange(() => work.wake());
  await lock.start();
  return { status: () => lock.status(), stop: () => lock.stop() };
}
