// The one retry mechanism (bot/retry.ts): backoff with jitter, Retry-After honoured, parked after
// the policy's attempts, put back in line on request.

import { expect } from 'chai';
import { afterFailure, backoffDelay, DEFAULT_RETRY_POLICY, exhausted, isDue, parseRetryAfter, retryNow, type Retried } from '../../bot/retry.js';

describe('retry: backoff', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('doubles from 1 s, with jitter between half and all of the delay', () => {
    expect(backoffDelay(1, policy, undefined, () => 0)).to.equal(500);
    expect(backoffDelay(1, policy, undefined, () => 1)).to.equal(1000);
    expect(backoffDelay(4, policy, undefined, () => 1)).to.equal(8000);
    expect(backoffDelay(4, policy, undefined, () => 0)).to.equal(4000);
  });

  it('is capped at 5 minutes and bounded to 8 attempts', () => {
    expect(backoffDelay(20, policy, undefined, () => 1)).to.equal(300_000);
    expect(backoffDelay(1000, policy, undefined, () => 1)).to.equal(300_000);
    expect(exhausted(7, policy)).to.equal(false);
    expect(exhausted(8, policy)).to.equal(true);
    // All 8 attempts take at most 1+2+…+64 s plus the cap: about 4 minutes.
    const total = Array.from({ length: 7 }, (_, i) => backoffDelay(i + 1, policy, undefined, () => 1)).reduce((a, b) => a + b, 0);
    expect(total).to.equal(127_000);
  });

  it('spreads items that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, policy)));
    expect(delays.size).to.be.greaterThan(10);
    for (const delay of delays) expect(delay).to.be.within(2000, 4000);
  });

  it('a Retry-After is honoured: never earlier, at most 10 % later', () => {
    expect(backoffDelay(1, policy, 3000, () => 0)).to.equal(3000);
    expect(backoffDelay(1, policy, 3000, () => 1)).to.equal(3300);
    expect(backoffDelay(6, policy, 500, () => 0)).to.equal(500);
  });
});

describe('retry: an item after a failure', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 3 };
  // Pure functions of `now`: any moment does.
  const now = Date.now();
  const fresh: Retried = { attempts: 0, state: 'pending' };

  it('is due again after the backoff, counting the attempt and keeping the error; parked once out of attempts', () => {
    const first = afterFailure(fresh, { error: '503: busy' }, now, policy, () => 1);
    expect(first).to.deep.equal({
      item: { attempts: 1, state: 'pending', lastError: '503: busy', notBefore: new Date(now + 1000).toISOString() },
      parked: false,
      delayMs: 1000,
    });
    expect(isDue(first.item, now)).to.equal(false);
    expect(isDue(first.item, now + 1000)).to.equal(true);
    const second = afterFailure(first.item, { error: '503: busy' }, now, policy, () => 1);
    expect(second.delayMs).to.equal(2000);
    const third = afterFailure(second.item, { error: '500: broken' }, now, policy, () => 1);
    expect(third).to.deep.equal({ item: { attempts: 3, state: 'failed', lastError: '500: broken' }, parked: true });
    expect(isDue(third.item, now + 3_600_000)).to.equal(false);
  });

  it('a Retry-After sets the wait; a wait that does not count keeps the attempts; a refusal parks at once', () => {
    expect(afterFailure(fresh, { error: '429', retryAfterMs: 30_000, counts: false }, now, policy, () => 0)).to.deep.include({
      delayMs: 30_000,
      parked: false,
    });
    expect(afterFailure(fresh, { error: '429', counts: false }, now, policy).item.attempts).to.equal(0);
    expect(afterFailure(fresh, { error: '403: forbidden', park: true, counts: false }, now, policy).item).to.deep.equal({
      attempts: 0,
      state: 'failed',
      lastError: '403: forbidden',
    });
  });

  it('an item that is never parked (no state) keeps having none; a parked one is put back in line with its count reset', () => {
    const event = { referralId: 'r-1', attempts: 41 };
    const after = afterFailure(event, { error: 'GET answered 500' }, now, { ...policy, maxAttempts: Infinity }, () => 1).item;
    expect(after).to.not.have.property('state');
    expect(after).to.include({ referralId: 'r-1', attempts: 42 });
    const parked = afterFailure(fresh, { error: 'x', park: true }, now, policy).item;
    expect(retryNow(parked)).to.deep.equal({ attempts: 0, state: 'pending', lastError: 'x' });
  });
});

describe('retry: Retry-After', () => {
  it('parses Retry-After as seconds, as an HTTP date, or retry-after-ms', () => {
    expect(parseRetryAfter('3', undefined)).to.equal(3000);
    expect(parseRetryAfter('0.5', undefined)).to.equal(500);
    expect(parseRetryAfter(undefined, '120')).to.equal(120);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), undefined, 4_000)).to.equal(6000);
    expect(parseRetryAfter('soon', undefined)).to.equal(undefined);
  });
});
