// What both stores share about their life cycle: a store is used only between open() and close(),
// says so in an error that names the call, and calls every change listener even when one throws.

import type { RecordListener, ReferralRecord } from './store.js';

export type Phase = 'new' | 'opening' | 'open' | 'closing' | 'closed';

export class StoreGate {
  phase: Phase = 'new';

  constructor(readonly storeName: string) {}

  assertOpened(method: string): void {
    if (this.phase === 'new' || this.phase === 'opening') throw new Error(`${this.storeName}.${method}(): call open() first`);
  }

  /** Why a write may not start now, or undefined when it may. */
  refuseWrite(method: string): Error | undefined {
    if (this.phase === 'open') return undefined;
    if (this.phase === 'closing' || this.phase === 'closed') return new Error(`${this.storeName}.${method}(): the store is closed`);
    return new Error(`${this.storeName}.${method}(): call open() first`);
  }
}

/** Calls each listener; one that throws is logged and the others still run. */
export function notifyListeners(listeners: Iterable<RecordListener>, record: ReferralRecord, log: (message: string, error?: unknown) => void): void {
  for (const listener of listeners) {
    try {
      listener(record);
    } catch (error) {
      log(`an onChange listener failed for referral ${record.referral.id}`, error);
    }
  }
}
