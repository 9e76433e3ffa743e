// Where the background work runs (docs/architecture.md#several-instances): the scheduler, the
// digest, the outbox sender and the Partner Center loops. On the embedded store it runs here from
// the start; on a shared store (PostgreSQL) only while this instance leads, and the Teams pacing is
// handed from one leader to the next.

import type { Coordination, LeaderStatus } from '../storage/coordination.js';
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
  status(): LeaderStatus;
  /** Stops the timers and loops here (a leader also steps down, so another takes over at once). */
  stop(): Promise<void>;
}

export interface BackgroundOptions {
  coordination: Coordination;
  failoverMs: number;
  pacer: Pacer;
  log: Logger;
}

export async function runBackground(work: BackgroundWork, options: BackgroundOptions): Promise<Background> {
  const { coordination, log } = options;
  // Alone, the sender outlives the timers: sends under way finish after the requests (app.ts stops it).
  // Shared, an instance that no longer leads must not send: the next leader does.
  const handover = coordination.shared ? new PacerHandover(coordination, options.pacer, log) : undefined;
  const leadership = await coordination.lead({
    failoverMs: options.failoverMs,
    onElected: async () => {
      await handover?.restore();
      handover?.start();
      await work.start();
    },
    onDeposed: async () => {
      await work.stopTimers();
      if (!handover) return;
      await work.stopSender();
      await handover.stop();
    },
    log: (message, error) => (error ? log.warn(`scheduler: ${message}`, { error }) : log.info(`scheduler: ${message}`)),
  });
  // A webhook event or a bot-level message recorded by another instance: the leader acts on it now.
  const off = coordination.onRemoteStateChange(() => work.wake());
  return {
    status: () => leadership.status(),
    stop: async () => {
      off();
      await leadership.stop();
    },
  };
}
