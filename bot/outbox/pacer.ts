// Sliding-window pacing for the outbox sender: keeps every conversation (a channel, a channel
// thread, a personal chat) and every tenant under Teams' documented limits, so that in normal
// operation the bot never receives a 429 (docs/architecture.md#delivery).
//
// Why this never overshoots, even though the connector counts ARRIVALS and we only know our own
// times: a request is counted from the moment it is handed out (in flight = inside every window)
// until its response came back, and after that with the time the response came back. The server
// saw the request at or before that time, and it sees a new request at or after the moment we
// start it; so when `end + window <= start` for the old request, the server's window cannot hold
// both. The price is one round trip per window (a few ms locally, ~0.3 s against Teams on a 30 s
// window). On top of that every window is lengthened by a small margin (default 2 %) for clock
// granularity and for other traffic of the bot (command replies) that does not pass through here.

/** At most `max` requests in any `windowMs`. */
export interface LimitRule {
  windowMs: number;
  max: number;
}

/** Teams, per bot per thread (conversation): 7 / 1 s, 8 / 2 s, 60 / 30 s, 1800 / hour. */
export const TEAMS_THREAD_LIMITS: readonly LimitRule[] = Object.freeze([
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
]);

/** Teams, per app per tenant: 50 / s. */
export const TEAMS_TENANT_LIMITS: readonly LimitRule[] = Object.freeze([{ windowMs: 1_000, max: 50 }]);

export interface PacerOptions {
  /** Per conversation / thread. Default TEAMS_THREAD_LIMITS. */
  threadLimits?: readonly LimitRule[];
  /** Per tenant. Default TEAMS_TENANT_LIMITS. */
  tenantLimits?: readonly LimitRule[];
  /** Multiplies every window (tests and benchmarks run Teams' limits on a faster clock). Default 1. */
  timeScale?: number;
  /** Every window is lengthened by this share. Default 0.02 (2 %). */
  marginRatio?: number;
}

export type Acquire =
  | { ok: true; ticket: PacerTicket }
  /** waitMs undefined: blocked by requests still in flight; try again when one finishes. */
  | { ok: false; waitMs: number | undefined; reason: string };

export interface PacerTicket {
  /** Call once when the request is over (success or failure), with the time its answer came. */
  release(at: number): void;
  /** Call instead of release() when no request was made after all: the slot is given back. */
  cancel(): void;
}

interface Rule {
  windowMs: number;
  max: number;
  label: string;
}

/** Request times per key (`t:` conversation, `n:` tenant) at `at`, all epoch ms. */
export interface PacerSnapshot {
  at: number;
  windows: Record<string, number[]>;
}

/** One limited key: finished requests' end times (ascending) and the number in flight. */
class Window {
  ends: number[] = [];
  inFlight = 0;
  pausedUntil = 0;

  /** How long until one more request fits under `rule`: 0 now, undefined when only a release helps. */
  waitFor(rule: Rule, now: number): number | undefined {
    const from = firstAfter(this.ends, now - rule.windowMs);
    const inWindow = this.ends.length - from + this.inFlight;
    if (inWindow < rule.max) return 0;
    // Finished requests leave the window oldest first; this many must leave before one more fits.
    const mustLeave = inWindow - rule.max + 1;
    const finished = this.ends.length - from;
    if (mustLeave > finished) return undefined;
    return this.ends[from + mustLeave - 1]! + rule.windowMs - now;
  }

  prune(now: number, longest: number): void {
    const from = firstAfter(this.ends, now - longest);
    if (from > 0) this.ends.splice(0, from);
  }

  insert(end: number): void {
    let i = this.ends.length;
    while (i > 0 && this.ends[i - 1]! > end) i--;
    this.ends.splice(i, 0, end);
  }

  idle(): boolean {
    return this.ends.length === 0 && this.inFlight === 0;
  }
}

/** Index of the first element > `bound` in an ascending array. */
function firstAfter(sorted: readonly number[], bound: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! > bound) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function scaled(rules: readonly LimitRule[], scale: number, margin: number, scope: string): Rule[] {
  return rules.map((rule) => ({
    windowMs: Math.max(1, Math.ceil(rule.windowMs * scale * (1 + margin))),
    max: rule.max,
    label: `${scope} ${rule.max}/${rule.windowMs}ms`,
  }));
}

export class Pacer {
  readonly #thread: Rule[];
  readonly #tenant: Rule[];
  readonly #longest: number;
  readonly #windows = new Map<string, Window>();

  constructor(options: PacerOptions = {}) {
    const scale = options.timeScale ?? 1;
    const margin = options.marginRatio ?? 0.02;
    if (!(scale > 0)) throw new Error(`Pacer: timeScale must be > 0 (got ${scale})`);
    if (!(margin >= 0)) throw new Error(`Pacer: marginRatio must be >= 0 (got ${margin})`);
    this.#thread = scaled(options.threadLimits ?? TEAMS_THREAD_LIMITS, scale, margin, 'thread');
    this.#tenant = scaled(options.tenantLimits ?? TEAMS_TENANT_LIMITS, scale, margin, 'tenant');
    this.#longest = Math.max(1, ...this.#thread.map((rule) => rule.windowMs), ...this.#tenant.map((rule) => rule.windowMs));
  }

  /** The effective (scaled, with margin) rules, for logs and tests. */
  get rules(): { thread: readonly Rule[]; tenant: readonly Rule[] } {
    return { thread: this.#thread, tenant: this.#tenant };
  }

  /**
   * Takes a slot for one request to conversation `thread` of tenant `tenant`, or says how long to
   * wait. A taken slot counts as in flight until its ticket is released.
   */
  tryAcquire(thread: string, tenant: string, now: number): Acquire {
    const threadWindow = this.#window(`t:${thread}`, now);
    const tenantWindow = this.#window(`n:${tenant}`, now);
    let wait: number | undefined = 0;
    let reason = '';
    const consider = (window: Window, rules: Rule[]) => {
      if (window.pausedUntil > now && wait !== undefined && window.pausedUntil - now > wait) {
        wait = window.pausedUntil - now;
        reason = 'paused (Retry-After)';
      }
      for (const rule of rules) {
        const ruleWait = window.waitFor(rule, now);
        if (ruleWait === undefined) {
          wait = undefined;
          reason = `${rule.label} (in flight)`;
        } else if (wait !== undefined && ruleWait > wait) {
          wait = ruleWait;
          reason = rule.label;
        }
      }
    };
    consider(threadWindow, this.#thread);
    consider(tenantWindow, this.#tenant);
    if (wait === undefined || wait > 0) return { ok: false, waitMs: wait, reason };
    threadWindow.inFlight++;
    tenantWindow.inFlight++;
    let released = false;
    return {
      ok: true,
      ticket: {
        release: (at: number) => {
          if (released) return;
          released = true;
          for (const window of [threadWindow, tenantWindow]) {
            window.inFlight--;
            window.insert(at);
          }
        },
        cancel: () => {
          if (released) return;
          released = true;
          threadWindow.inFlight--;
          tenantWindow.inFlight--;
        },
      },
    };
  }

  /** Sends nothing to `thread` before `until` (a Retry-After). */
  pause(thread: string, until: number, now: number): void {
    const window = this.#window(`t:${thread}`, now);
    window.pausedUntil = Math.max(window.pausedUntil, until);
  }

  /** Requests counted for `thread` in the last `windowMs` (scaled) plus those in flight: tests and stats. */
  load(thread: string, now: number): { inFlight: number; finished: number } {
    const window = this.#windows.get(`t:${thread}`);
    if (!window) return { inFlight: 0, finished: 0 };
    window.prune(now, this.#longest);
    return { inFlight: window.inFlight, finished: window.ends.length };
  }

  /** Forgets keys with nothing in their longest window (bounds memory over many threads). */
  sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      window.prune(now, this.#longest);
      if (window.idle() && window.pausedUntil <= now) this.#windows.delete(key);
    }
  }

  get size(): number {
    return this.#windows.size;
  }

  /** What another instance needs to go on pacing where this one stopped: every key's request times in the longest window, in flight as now. */
  snapshot(now: number): PacerSnapshot {
    const windows: Record<string, number[]> = {};
    for (const [key, window] of this.#windows) {
      window.prune(now, this.#longest);
      const ends = [...window.ends, ...Array.from({ length: window.inFlight }, () => now)];
      if (ends.length > 0) windows[key] = ends;
    }
    return { at: now, windows };
  }

  /**
   * Takes over another instance's pacing (docs/architecture.md#several-instances). It may have sent
   * after its last snapshot: each key counts `unseenAfter` more requests at the snapshot time plus
   * `gapMs`, which keeps even a window that was full at its death from being overrun.
   */
  restore(snapshot: PacerSnapshot, now: number, gapMs: number): void {
    const unseenAt = snapshot.at + gapMs;
    // The most of the short windows (those the gap and a beat can span) that the old leader may have filled unseen.
    const most = (rules: readonly Rule[]) => Math.max(0, ...rules.filter((rule) => rule.windowMs <= 2 * gapMs + 2_000).map((rule) => rule.max));
    const unseen = { thread: most(this.#thread), tenant: most(this.#tenant) };
    for (const [key, ends] of Object.entries(snapshot.windows)) {
      if (!Array.isArray(ends)) continue;
      const window = this.#window(key, now);
      for (const end of ends) if (typeof end === 'number' && Number.isFinite(end)) window.insert(end);
      for (let n = key.startsWith('t:') ? unseen.thread : unseen.tenant; n > 0; n--) window.insert(unseenAt);
      window.prune(now, this.#longest);
    }
  }

  #window(key: string, now: number): Window {
    let window = this.#windows.get(key);
    if (!window) {
      window = new Window();
      this.#windows.set(key, window);
    } else {
      window.prune(now, this.#longest);
    }
    return window;
  }
}
