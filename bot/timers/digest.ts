// The channel digest (DIGEST_AT): at each slot, for each active subscribed channel, one post of
// what needs attention and what changed since the last digest, or nothing when there is nothing
// new. Once per slot, catch-up rules and the item's content: docs/architecture.md#the-digest.

import { recentAndOpenRecords } from '../use-cases/recent-records.js';
import { clearBackgroundTimer, setBackgroundTimer, type TimerHandle } from './background-timer.js';
import { attentionFingerprint, digestContent } from '../../referrals/digest-content.js';
import { latestSlotAtOrBefore, nextSlotAfter, previousSlot, sameLocalDay, type DigestSchedule } from '../../referrals/digest-schedule.js';
import type { Policy } from '../../referrals/policy.js';
import type { BotState, DigestState } from '../../storage/bot-state.js';
import type { OutboxItem, ReferralRecord, Store } from '../../storage/store.js';
import { routes, targets } from '../../storage/bot-state-reads.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { outboxItem } from '../outbox/planner.js';
import { digestParams } from '../outbox/digest-message.js';

export type { TimerHandle } from './background-timer.js';

export type { DigestState } from '../../storage/bot-state.js';

export const DIGEST_MESSAGE_KEY = 'digest' as const;
/** A slot that is not today's still fires when it is at most this old (a wake-up just after midnight). */
export const CATCH_UP_GRACE_MS = 60 * 60_000;
const DEFAULT_MAX_SLEEP_MS = 60_000;

export interface DigestOptions {
  store: Store;
  policy: Policy;
  schedule: DigestSchedule;
  clock: Clock;
  log: Logger;
  /** Called after a write that queued digests (e.g. the sender's wake()). */
  onQueued?: () => void;
  /** Injectable for fake clocks. Default: setTimeout (unref'd). */
  setTimer?: (callback: () => void, ms: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
  /** Longest single sleep (bounds a wall-clock jump and retries after a failure). Default 60 s. */
  maxSleepMs?: number;
}

export interface DigestRun {
  slot: string;
  /** 'queued': the slot was handled now (posted in `channels`, maybe none); 'done': already handled. */
  outcome: 'queued' | 'done';
  channels: string[];
}

export function digestState(state: BotState): DigestState {
  return state.digest;
}

/** The channels a digest goes to: active channel targets with at least one route. */
export function digestChannels(state: BotState): string[] {
  const routed = new Set(routes(state).map((route) => route.target));
  return Object.values(targets(state))
    .filter((target) => target.kind === 'channel' && target.active && routed.has(target.key))
    .map((target) => target.key)
    .sort();
}

/** The slot to handle at `now`, if any (see the header: only the latest, only while it is fresh). */
export function dueSlot(schedule: DigestSchedule, now: Date, lastSlot: string | undefined): Date | undefined {
  const latest = latestSlotAtOrBefore(schedule, now);
  if (!latest) return undefined;
  if (lastSlot !== undefined && Date.parse(lastSlot) >= latest.getTime()) return undefined;
  const fresh = sameLocalDay(latest, now, schedule.timeZone) || now.getTime() - latest.getTime() <= CATCH_UP_GRACE_MS;
  return fresh ? latest : undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

export { digestParams, parseDigestParams } from '../outbox/digest-message.js';

export class DigestTimer {
  readonly #options: DigestOptions;
  readonly #setTimer: (callback: () => void, ms: number) => TimerHandle;
  readonly #clearTimer: (handle: TimerHandle) => void;
  readonly #maxSleepMs: number;
  #running = false;
  #timer: TimerHandle | undefined;
  #work: Promise<unknown> | undefined;

  constructor(options: DigestOptions) {
    this.#options = options;
    this.#setTimer = options.setTimer ?? setBackgroundTimer;
    this.#clearTimer = options.clearTimer ?? clearBackgroundTimer;
    this.#maxSleepMs = Math.min(options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS, 2 ** 31 - 1);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Handles a slot missed while down (if it is today's) right away, then sleeps until the next. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const { schedule, clock, log } = this.#options;
    log.info('digest started', { schedule: schedule.source, nextSlot: nextSlotAfter(schedule, clock())?.toISOString() ?? null });
    this.#wake();
  }

  /** Stops waking and waits for a run under way (call before closing the store). */
  async stop(): Promise<void> {
    this.#running = false;
    this.#disarm();
    await this.whenIdle();
  }

  async whenIdle(): Promise<void> {
    while (this.#work) await this.#work;
  }

  /**
   * Handles the slot due at the clock's now, if any (exactly once: see the header). Serialized
   * with the timer's own runs. Returns what happened, undefined when no slot was due.
   */
  tick(): Promise<DigestRun | undefined> {
    const run = (async () => {
      while (this.#work) await this.#work;
      const work = this.#check();
      const settled = work.catch(() => undefined);
      this.#work = settled;
      try {
        return await work;
      } finally {
        if (this.#work === settled) this.#work = undefined;
      }
    })();
    return run;
  }

  #wake(): void {
    if (!this.#running) return;
    this.#disarm();
    this.tick()
      .catch((error: unknown) => this.#options.log.error('digest: a run failed; retrying at the next wake-up', { error }))
      .finally(() => this.#arm());
  }

  #arm(): void {
    if (!this.#running) return;
    this.#disarm();
    const now = this.#options.clock();
    const next = nextSlotAfter(this.#options.schedule, now);
    const delay = next ? Math.min(Math.max(next.getTime() - now.getTime(), 0), this.#maxSleepMs) : this.#maxSleepMs;
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined;
      this.#wake();
    }, delay);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clearTimer(this.#timer);
    this.#timer = undefined;
  }

  async #check(): Promise<DigestRun | undefined> {
    const { store, schedule, clock } = this.#options;
    const now = clock();
    const slot = dueSlot(schedule, now, digestState(store.readState()).lastSlot);
    if (!slot) return undefined;
    return this.runSlot(slot, now);
  }

  /** Handles `slot` at `now`: queues each channel's digest that has something new to say, and records the slot as done. */
  async runSlot(slot: Date, now: Date): Promise<DigestRun> {
    const { store, policy, schedule, log } = this.#options;
    const slotIso = slot.toISOString();
    const before = digestState(store.readState());
    if (before.lastSlot !== undefined && Date.parse(before.lastSlot) >= slot.getTime()) return { slot: slotIso, outcome: 'done', channels: [] };
    const since = before.lastSlot ?? (previousSlot(schedule, slot) ?? new Date(slot.getTime() - 86_400_000)).toISOString();

    // Read outside the state lock (archived records are read from disk): what changed since the
    // window began, plus every open referral (attention is about open work).
    const byChannel = new Map<string, ReferralRecord['referral'][]>();
    for (const record of await recentAndOpenRecords(store, since)) {
      const channel = record.card?.target;
      if (channel === undefined) continue;
      const list = byChannel.get(channel);
      if (list) list.push(record.referral);
      else byChannel.set(channel, [record.referral]);
    }

    const run = await store.updateState<DigestRun>((state) => {
      const digest = digestState(state);
      if (digest.lastSlot !== undefined && Date.parse(digest.lastSlot) >= slot.getTime()) return { result: { slot: slotIso, outcome: 'done', channels: [] } };
      const told = { ...digest.channels };
      const items: OutboxItem[] = [];
      const posted: string[] = [];
      for (const channel of digestChannels(state)) {
        const content = digestContent(byChannel.get(channel) ?? [], { since: new Date(since), until: slot, now, policy, timeZone: schedule.timeZone });
        const fingerprint = attentionFingerprint(content.attention);
        const previous = told[channel]?.attention ?? [];
        const somethingNew = content.changes.length > 0 || (content.attention.length > 0 && !sameList(fingerprint, previous));
        told[channel] = { attention: fingerprint, slot: slotIso };
        if (!somethingNew) continue;
        items.push(outboxItem('channelMessage', channel, { key: DIGEST_MESSAGE_KEY, params: digestParams(slotIso, since, content) }, now));
        posted.push(channel);
      }
      const next: DigestState = { lastSlot: slotIso, channels: told };
      return { state: { ...state, digest: next, outbox: [...state.outbox, ...items] }, result: { slot: slotIso, outcome: 'queued', channels: posted } };
    });
    if (run.outcome === 'queued') {
      log.info('digest slot handled', { slot: slotIso, since, posted: run.channels.length });
      if (run.channels.length > 0) this.#options.onQueued?.();
    }
    return run;
  }
}
