// Coordination on PostgreSQL (storage/coordination.ts): the leader is the instance whose session
// holds the advisory lock (leader-lock.ts), runtime values live in runtime_state, and another
// instance's writes arrive through the store's change feed.

import type { Coordination, LeadOptions, Leadership } from '../coordination.js';
import { LeaderLock } from './leader-lock.js';
import type { PgStore } from './pg-store.js';

export function pgCoordination(store: PgStore, connectionString: string): Coordination {
  return {
    shared: true,
    async lead(options: LeadOptions): Promise<Leadership> {
      const lock = new LeaderLock({ connectionString, instance: store.instance, ...options });
      await lock.start();
      return { status: () => lock.status(), stop: () => lock.stop() };
    },
    onRemoteStateChange: (listener) => store.onRemoteStateChange(listener),
    readRuntime: (key) => store.readRuntime(key),
    writeRuntime: (key, value) => store.writeRuntime(key, value),
    health: () => ({ pool: store.poolStats() }),
  };
}
