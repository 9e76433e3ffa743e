// The segment cache: keeps at most `capacity` entries and evicts the least recently used.

import { expect } from 'chai';
import { LruCache } from '../../storage/lru-cache.js';

describe('storage: LruCache', () => {
  it('evicts the least recently used entry, counting reads as use', () => {
    const cache = new LruCache<number, string>(2);
    cache.set(1, 'one');
    cache.set(2, 'two');
    expect(cache.get(1)).to.equal('one');
    cache.set(3, 'three');
    expect(cache.has(2)).to.equal(false);
    expect(cache.keys()).to.deep.equal([1, 3]);
    expect(cache.size).to.equal(2);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruCache(0)).to.throw(/positive integer/);
  });
});
