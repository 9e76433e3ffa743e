// The pacer keeps every conversation and tenant under Teams' limits, counting requests in flight.

import { expect } from 'chai';
import { Pacer, TEAMS_THREAD_LIMITS, type PacerTicket } from '../../../bot/outbox/pacer.js';
import { SlidingWindowLimiter, TEAMS_TENANT_LIMITS as FAKE_TENANT, TEAMS_THREAD_LIMITS as FAKE_THREAD } from '../../support/fake-connector.js';

/** Drives a pacer on a simulated clock as fast as it allows; returns the send times. */
function simulate(pacer: Pacer, count: number, options: { thread?: (i: number) => string; latencyMs?: number; tenant?: string } = {}): number[] {
  const latency = options.latencyMs ?? 0;
  const sends: number[] = [];
  const inFlight: Array<{ ticket: PacerTicket; end: number }> = [];
  let now = 0;
  let i = 0;
  while (i < count) {
    // Finish what is due.
    for (let k = inFlight.length - 1; k >= 0; k--) {
      if (inFlight[k]!.end <= now) {
        inFlight[k]!.ticket.release(inFlight[k]!.end);
        inFlight.splice(k, 1);
      }
    }
    const slot = pacer.tryAcquire(options.thread?.(i) ?? 'thread', options.tenant ?? 'tenant', now);
    if (slot.ok) {
      sends.push(now);
      inFlight.push({ ticket: slot.ticket, end: now + latency });
      i++;
      continue;
    }
    const nextEnd = Math.min(...inFlight.map((f) => f.end));
    now = slot.waitMs !== undefined ? Math.min(now + Math.max(slot.waitMs, 1), nextEnd) : nextEnd;
  }
  return sends;
}

/** Replays send times against the fake connector's limiter (which the component tests enforce). */
function violations(sends: number[], rules = FAKE_THREAD): number {
  const limiter = new SlidingWindowLimiter(rules);
  let bad = 0;
  for (const at of sends) {
    if (limiter.check('k', at).ok) limiter.record('k', at);
    else bad++;
  }
  return bad;
}

describe('outbox pacer', () => {
  it("never exceeds Teams' per-thread limits (7/1 s, 8/2 s, 60/30 s, 1800/h) and reaches ≥ 95 % of 60 per 30 s", () => {
    const pacer = new Pacer();
    const sends = simulate(pacer, 2000, { latencyMs: 120 });
    expect(violations(sends)).to.equal(0);
    // The 1800/h rule holds too: the 1801st request waits for the hour.
    expect(sends[1800]! - sends[0]!).to.be.at.least(3_600_000);
    // Steady state over the first 1800: 60 per 30 s (2/s) minus margin and round trips.
    const rate = 1799 / ((sends[1799]! - sends[0]!) / 1000);
    expect(rate / 2).to.be.within(0.95, 1.05);
  });

  it('short windows: at most 7 in any second and 8 in any 2 s', () => {
    const sends = simulate(new Pacer(), 40);
    const inWindow = (windowMs: number) => Math.max(...sends.map((t) => sends.filter((s) => s > t - windowMs && s <= t).length));
    expect(inWindow(1000)).to.be.at.most(7);
    expect(inWindow(2000)).to.be.at.most(8);
  });

  it('counts requests in flight: with slow answers the next request waits for a release', () => {
    const pacer = new Pacer({ threadLimits: [{ windowMs: 1000, max: 2 }] });
    const a = pacer.tryAcquire('t', 'n', 0);
    const b = pacer.tryAcquire('t', 'n', 0);
    expect(a.ok && b.ok).to.equal(true);
    const c = pacer.tryAcquire('t', 'n', 5000);
    expect(c).to.deep.include({ ok: false, waitMs: undefined });
    if (a.ok) a.ticket.release(5000);
    // Counted with the time its answer came: the window runs from then (plus the 2 % margin).
    const d = pacer.tryAcquire('t', 'n', 5500);
    expect(d.ok).to.equal(false);
    if (!d.ok) expect(d.waitMs).to.equal(5000 + 1020 - 5500);
    expect(pacer.tryAcquire('t', 'n', 6020).ok).to.equal(true);
  });

  it('cancel() gives the slot back without counting a request', () => {
    const pacer = new Pacer({ threadLimits: [{ windowMs: 1000, max: 1 }] });
    const a = pacer.tryAcquire('t', 'n', 0);
    if (a.ok) a.ticket.cancel();
    expect(pacer.tryAcquire('t', 'n', 1).ok).to.equal(true);
  });

  it('keeps conversations apart but shares the tenant limit (50/s)', () => {
    const pacer = new Pacer();
    const sends = simulate(pacer, 200, { thread: (i) => `thread-${i}` });
    // 200 different threads: only the tenant limit applies.
    expect(violations(sends, FAKE_TENANT)).to.equal(0);
    expect(sends.filter((t) => t < 1000)).to.have.length(50);
  });

  it('pause() holds one conversation (Retry-After), not the others', () => {
    const pacer = new Pacer();
    pacer.pause('a', 3000, 0);
    const blocked = pacer.tryAcquire('a', 'n', 100);
    expect(blocked).to.deep.include({ ok: false, waitMs: 2900 });
    expect(pacer.tryAcquire('b', 'n', 100).ok).to.equal(true);
    expect(pacer.tryAcquire('a', 'n', 3000).ok).to.equal(true);
  });

  it('timeScale shortens every window; the scaled fake accepts the result', () => {
    const scale = 0.05;
    const sends = simulate(new Pacer({ timeScale: scale }), 300, { latencyMs: 2 });
    expect(
      violations(
        sends,
        FAKE_THREAD.map((rule) => ({ windowMs: rule.windowMs * scale, max: rule.max })),
      ),
    ).to.equal(0);
    // 60 per 1.5 s: 300 requests take 4 full windows plus the first 60 (8 per 100 ms).
    expect(sends[299]! - sends[0]!).to.be.within(4 * 1500, 4 * 1500 * 1.05 + 800);
  });

  it('sweep() forgets idle conversations', () => {
    const pacer = new Pacer({ threadLimits: TEAMS_THREAD_LIMITS });
    for (let i = 0; i < 10; i++) {
      const slot = pacer.tryAcquire(`t${i}`, 'n', 0);
      if (slot.ok) slot.ticket.release(1);
    }
    expect(pacer.size).to.equal(11);
    pacer.sweep(4_000_000);
    expect(pacer.size).to.equal(0);
  });
  describe('handover to the next leader', () => {
    it("a window the last leader filled stays full for the next one, checked against the connector's own limiter", () => {
      const first = new Pacer({ marginRatio: 0 });
      const teams = new SlidingWindowLimiter(FAKE_THREAD);
      let now = 1_000_000;
      // The last leader sends 60 to one channel within 10 s: the 30 s window is full.
      for (let sent = 0; sent < 60;) {
        const slot = first.tryAcquire('19:c', 'tenant', now);
        if (slot.ok) {
          expect(teams.check('19:c', now).ok).to.equal(true);
          teams.record('19:c', now);
          slot.ticket.release(now);
          sent++;
        } else now += slot.waitMs ?? 1;
      }
      const snapshot = JSON.parse(JSON.stringify(first.snapshot(now)));
      now += 3_000; // it dies; another instance takes over
      const next = new Pacer({ marginRatio: 0 });
      next.restore(snapshot, now, 500);
      const slot = next.tryAcquire('19:c', 'tenant', now);
      expect(slot.ok).to.equal(false);
      // It waits until the oldest send leaves the 30 s window, and then Teams takes it.
      now += (slot as { waitMs: number }).waitMs;
      const later = next.tryAcquire('19:c', 'tenant', now);
      expect(later.ok).to.equal(true);
      expect(teams.check('19:c', now).ok).to.equal(true);
    });

    it('counts what the last leader may have sent after its snapshot', () => {
      const next = new Pacer({ marginRatio: 0 });
      next.restore({ at: 5_000, windows: { 't:19:c': [4_000] } }, 5_600, 500);
      // Up to 8 unseen sends at 5 500 (Teams' 2 s window): nothing more until they left it.
      const slot = next.tryAcquire('19:c', 'tenant', 5_600);
      expect(slot.ok).to.equal(false);
      expect((slot as { waitMs: number }).waitMs).to.equal(5_500 + 2_000 - 5_600);
    });
  });
});
