// Runs tasks one at a time per key (a promise chain per key), different keys concurrently:
// how the store serializes read-modify-writes of one referral without a global lock.

export class KeyedSerializer {
  readonly #tails = new Map<string, Promise<void>>();

  /**
   * Runs `task` after every task queued earlier for `key` has settled. A task that fails rejects
   * only its own promise; the chain goes on. Queuing is synchronous: a call made right after this
   * one is already behind it.
   */
  run<T>(key: string, task: () => Promise<T> | T): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => task());
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // Forget idle keys so the map holds only keys with work under way (memory stays flat).
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Whether nothing is queued or running for `key`. */
  isIdle(key: string): boolean {
    return !this.#tails.has(key);
  }

  /** Number of keys with work queued or running. */
  get busyKeys(): number {
    return this.#tails.size;
  }

  /** Resolves once no key has work, including work queued while waiting. */
  async drain(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
