// How many open referrals each person holds (the pool's cap, the `assign` view), kept current from
// the store's change feed so a choice costs the pool's size, not the open work's
// (docs/architecture.md#assignment). Built on first use from the open records.

import { holderOf } from '../../referrals/assignment.js';
import type { ReferralRecord, Store } from '../../storage/store.js';

export class LoadIndex {
  readonly #store: Store;
  readonly #holders = new Map<string, string>();
  readonly #counts = new Map<string, number>();
  #started = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Open referrals per person, `except` one referral (the one being assigned). */
  load(except?: string): Record<string, number> {
    this.#start();
    const load = Object.fromEntries(this.#counts);
    const own = except === undefined ? undefined : this.#holders.get(except);
    if (own !== undefined) load[own] = (load[own] ?? 1) - 1;
    return load;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#store.onChange((record) => this.#note(record));
    for (const record of this.#store.openRecords()) this.#note(record);
  }

  #note(record: ReferralRecord): void {
    const id = record.referral.id;
    const before = this.#holders.get(id);
    const after = holderOf(record.referral);
    if (before === after) return;
    if (before !== undefined) {
      const left = (this.#counts.get(before) ?? 1) - 1;
      if (left > 0) this.#counts.set(before, left);
      else this.#counts.delete(before);
      this.#holders.delete(id);
    }
    if (after !== undefined) {
      this.#holders.set(id, after);
      this.#counts.set(after, (this.#counts.get(after) ?? 0) + 1);
    }
  }
}
