// An indexed binary min-heap of one entry per referral, keyed by due time: peek is O(1), set and
// delete of one referral's entry are O(log n). What lets a scheduler wake-up cost the same with
// 100 or 50,000 stored referrals: nothing here ever walks all entries.

export interface HeapEntry<T> {
  id: string;
  /** Epoch ms at which the entry falls due. */
  key: number;
  value: T;
}

interface Slot<T> extends HeapEntry<T> {
  position: number;
}

export class TimerHeap<T> {
  readonly #slots: Slot<T>[] = [];
  readonly #byId = new Map<string, Slot<T>>();

  get size(): number {
    return this.#slots.length;
  }

  /** The earliest entry (ties: smaller id first), or undefined when empty. */
  peek(): HeapEntry<T> | undefined {
    const top = this.#slots[0];
    return top && { id: top.id, key: top.key, value: top.value };
  }

  get(id: string): HeapEntry<T> | undefined {
    const slot = this.#byId.get(id);
    return slot && { id: slot.id, key: slot.key, value: slot.value };
  }

  /** Adds the referral's entry or replaces it. */
  set(id: string, key: number, value: T): void {
    const slot = this.#byId.get(id);
    if (slot) {
      const earlier = this.#less(key, id, slot.key, slot.id);
      slot.key = key;
      slot.value = value;
      if (earlier) this.#up(slot.position);
      else this.#down(slot.position);
      return;
    }
    const added: Slot<T> = { id, key, value, position: this.#slots.length };
    this.#slots.push(added);
    this.#byId.set(id, added);
    this.#up(added.position);
  }

  delete(id: string): boolean {
    const slot = this.#byId.get(id);
    if (!slot) return false;
    this.#byId.delete(id);
    const last = this.#slots.pop()!;
    if (last !== slot) {
      this.#slots[slot.position] = last;
      last.position = slot.position;
      this.#up(last.position);
      this.#down(last.position);
    }
    return true;
  }

  clear(): void {
    this.#slots.length = 0;
    this.#byId.clear();
  }

  /** Every entry in due order: O(n log n), for inspection and tests only. */
  sorted(): HeapEntry<T>[] {
    return this.#slots.map(({ id, key, value }) => ({ id, key, value })).sort((a, b) => (this.#less(a.key, a.id, b.key, b.id) ? -1 : 1));
  }

  #less(keyA: number, idA: string, keyB: number, idB: string): boolean {
    return keyA < keyB || (keyA === keyB && idA < idB);
  }

  #before(i: number, j: number): boolean {
    const a = this.#slots[i]!;
    const b = this.#slots[j]!;
    return this.#less(a.key, a.id, b.key, b.id);
  }

  #swap(i: number, j: number): void {
    const a = this.#slots[i]!;
    const b = this.#slots[j]!;
    this.#slots[i] = b;
    this.#slots[j] = a;
    a.position = j;
    b.position = i;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.#slots.length && this.#before(left, smallest)) smallest = left;
      if (right < this.#slots.length && this.#before(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}
