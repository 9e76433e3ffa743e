// The outbox sender: delivers every pending item of every open referral and of the bot to Teams,
// in order per conversation, paced under Teams' rate limits, retried with backoff, coalescing card
// updates. Lanes, coalescing, the duplicate window and wake-ups: docs/architecture.md#delivery.
// The pure planning is delivery-plan.ts, the store writes outbox-writes.ts; this file runs the loop,
// the pacing and the sends.

import type { Locale } from '../../cards/index.js';
import type { Policy } from '../../referrals/policy.js';
import type { OutboxItem, ReferralRecord, Store } from '../../storage/store.js';
import { targets } from '../../storage/bot-state-reads.js';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { renderOutboxItem, type OutgoingMessage } from './render.js';
import { jobFor, lanesInOrder, routeItem, type Candidate, type Job } from './delivery-plan.js';
import type { Messenger } from './messenger.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry.js';
import { SendFailedError, type SendFailure } from './messenger.js';
import { changeOutbox, failedAttempt, recordDelivered, resetFailed } from './outbox-writes.js';
import { Pacer, type PacerOptions, type PacerTicket } from './pacer.js';
import { DELIVERY_REASON_PREFIX, retireTarget, type RetireSummary } from './retire.js';
import { outboxStatus } from './status.js';
import { UTC_DISPLAY, type Display } from '../../cards/display.js';

/** Knobs tests and benchmarks turn (the service takes the defaults, or config for the retry bound). */
export interface SenderTuning {
  /** Pacing limits, time scale, margin. */
  pacing?: PacerOptions;
  /** Backoff and attempt bound. Default 1 s … 5 min, 8 attempts. */
  retry?: Partial<RetryPolicy>;
  /** Requests in flight at once, over all conversations. Default 8. */
  concurrency?: number;
  /** Rescan of the bot-level outbox and of cards on inactive conversations. Default 1000 ms. */
  rescanMs?: number;
  /** Jitter source. Default Math.random. */
  random?: () => number;
  /** Wall clock for pacing, backoff and notBefore (ms). Default Date.now. */
  now?: () => number;
}

export interface SenderOptions extends SenderTuning {
  store: Store;
  messenger: Messenger;
  log: Logger;
  defaultLocale: Locale;
  policy: Policy;
  /** How cards show moments and links (default UTC, no link). */
  display?: Display;
  /** AAD object ids of managers: told in personal chat when a channel is lost. */
  managerIds?: readonly string[];
  /** The service clock: what cards show as "now", createdAt of notices, ages in stats. */
  clock?: Clock;
}

export interface SenderStats {
  pending: number;
  failed: number;
  oldestPendingAgeMs: number | null;
  inactiveTargets: number;
  inFlight: number;
}

/** A send that succeeded but whose store write failed: recorded again, never sent again. */
interface Unrecorded {
  job: Job;
  activityId: string | undefined;
}

export class OutboxSender {
  readonly #store: Store;
  readonly #messenger: Messenger;
  readonly #log: Logger;
  readonly #defaultLocale: Locale;
  readonly #policy: Policy;
  readonly #display: Display;
  readonly #managerIds: readonly string[];
  readonly #clock: Clock;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #retry: RetryPolicy;
  readonly #concurrency: number;
  readonly #rescanMs: number;
  readonly pacer: Pacer;

  /** Referrals with a non-empty outbox, as last written (kept current by onChange). */
  readonly #records = new Map<string, ReferralRecord>();
  /** First-seen order of item ids: the tie-break after createdAt. */
  readonly #seq = new Map<string, number>();
  #nextSeq = 0;
  /** Lanes with a request under way (or its failure being stored), and the job holding each. */
  readonly #busyLanes = new Map<string, Job>();
  /** Items with a store write under way outside a lane (parking, dropping). */
  readonly #writing = new Set<string>();
  readonly #unrecorded = new Map<string, Unrecorded>();
  readonly #jobs = new Set<Promise<void>>();
  readonly #retiring = new Set<string>();
  #retireChain: Promise<unknown> = Promise.resolve();
  #running = false;
  #starting: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  #pumpQueued = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #rescan: NodeJS.Timeout | undefined;
  #pacerSweptAt = 0;
  #sent = 0;

  constructor(options: SenderOptions) {
    this.#store = options.store;
    this.#messenger = options.messenger;
    this.#log = options.log;
    this.#defaultLocale = options.defaultLocale;
    this.#policy = options.policy;
    this.#display = options.display ?? UTC_DISPLAY;
    this.#managerIds = options.managerIds ?? [];
    this.#clock = options.clock ?? systemClock;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#concurrency = Math.max(1, options.concurrency ?? 8);
    this.#rescanMs = Math.max(10, options.rescanMs ?? 1_000);
    this.pacer = new Pacer(options.pacing);
    this.#pacerSweptAt = this.#now();
  }

  // --- life cycle ---------------------------------------------------------------------------------

  /**
   * Resets parked (failed) items to pending, indexes the open records and starts delivering.
   * The store must be open.
   */
  start(): Promise<void> {
    if (this.#running) return this.#starting ?? Promise.resolve();
    this.#running = true;
    this.#unsubscribe = this.#store.onChange((record) => this.#onChange(record));
    this.#starting = (async () => {
      const reset = await this.#resetFailed('start');
      for (const record of this.#store.openRecords()) if (record.outbox.length > 0) this.#records.set(record.referral.id, record);
      const stats = this.stats();
      this.#log.info('outbox sender started', {
        pending: stats.pending,
        retriedFailed: reset,
        inactiveTargets: stats.inactiveTargets,
        rules: this.pacer.rules,
      });
      this.#rescan = setInterval(() => this.#onRescan(), this.#rescanMs);
      this.#rescan.unref();
      this.#onRescan();
    })();
    return this.#starting;
  }

  /** Stops starting sends and waits for those under way and their store writes (call before closing the store). */
  async stop(): Promise<void> {
    if (!this.#running) return;
    await this.#starting?.catch(() => undefined);
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#rescan) clearInterval(this.#rescan);
    this.#rescan = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.whenIdle();
    await this.#retireChain.catch(() => undefined);
    this.#records.clear();
    this.#log.info('outbox sender stopped', { sent: this.#sent, unrecorded: this.#unrecorded.size });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Look at the store now (after queueing bot-level items with updateState). */
  wake(): void {
    this.#schedulePump();
  }

  /** Resolves when no send, store write or retirement is under way. */
  async whenIdle(): Promise<void> {
    while (this.#jobs.size > 0) await Promise.allSettled([...this.#jobs]);
    await this.#retireChain.catch(() => undefined);
  }

  /** Parked items back to pending, attempts from zero (the admin command). Returns how many. */
  async retryFailed(): Promise<number> {
    const count = await this.#resetFailed('admin');
    this.#schedulePump();
    return count;
  }

  /**
   * The bot cannot post to `key` any more (also for callers that learn it from Teams events):
   * inactive, queued items dropped, open cards re-routed, managers told. Idempotent.
   */
  retireTarget(key: string, reason: string): Promise<RetireSummary> {
    this.#retiring.add(key);
    const run = this.#retireChain.then(() => retireTarget({ store: this.#store, log: this.#log, managerIds: this.#managerIds, now: this.#clock }, key, reason));
    this.#retireChain = run.catch(() => undefined);
    return run
      .catch((error: unknown) => {
        this.#log.error('outbox: retiring a conversation failed; the rescan tries again', { target: key, error });
        throw error;
      })
      .finally(() => {
        this.#retiring.delete(key);
        this.#schedulePump();
      });
  }

  /** Figures for /healthz (O(open records)). */
  stats(): SenderStats {
    const status = outboxStatus(this.#store, this.#clock(), 0);
    return {
      pending: status.pending,
      failed: status.failed,
      oldestPendingAgeMs: status.oldestPendingAgeMs,
      inactiveTargets: status.inactiveTargets.length,
      inFlight: this.#busyLanes.size,
    };
  }

  // --- wake-ups -----------------------------------------------------------------------------------

  #onChange(record: ReferralRecord): void {
    if (!this.#running) return;
    if (record.outbox.length > 0) this.#records.set(record.referral.id, record);
    else this.#records.delete(record.referral.id);
    this.#schedulePump();
  }

  #onRescan(): void {
    if (!this.#running) return;
    if (this.#now() - this.#pacerSweptAt > 60_000) {
      this.pacer.sweep(this.#now());
      this.#pacerSweptAt = this.#now();
    }
    // Open cards on a conversation somebody marked inactive (an uninstall, or a retirement a crash
    // interrupted) are re-routed even when nothing is queued for them.
    const state = this.#store.readState();
    const lost = new Set<string>();
    for (const record of this.#store.openRecords()) {
      const key = record.card?.target;
      if (key && record.referral.status !== 'Closed' && targets(state)[key]?.active === false) lost.add(key);
    }
    for (const key of lost) if (!this.#retiring.has(key)) void this.retireTarget(key, targets(state)[key]?.inactiveReason ?? 'inactive').catch(() => undefined);
    this.#schedulePump();
  }

  #schedulePump(): void {
    if (!this.#running || this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      try {
        this.#pump();
      } catch (error) {
        this.#log.error('outbox: a delivery pass failed', { error });
        this.#armAt(this.#now() + this.#rescanMs);
      }
    });
  }

  #armAt(at: number): void {
    if (!this.#running || !Number.isFinite(at)) return;
    if (this.#timer && this.#timerAt <= at) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#schedulePump();
      },
      Math.max(0, at - this.#now()),
    );
    this.#timer.unref();
  }

  // --- one pass -----------------------------------------------------------------------------------

  /** Looks at every pending item once and starts what may go now; arms a timer for the rest. */
  #pump(): void {
    if (!this.#running) return;
    const now = this.#now();
    const state = this.#store.readState();
    const conversations = targets(state);
    const lanes = new Map<string, Candidate[]>();
    const live = new Set<string>();
    const lostTargets = new Map<string, string>();

    const consider = (item: OutboxItem, record: ReferralRecord | undefined) => {
      live.add(item.id);
      if (item.state !== 'pending' || this.#writing.has(item.id)) return;
      const unrecorded = this.#unrecorded.get(item.id);
      if (unrecorded) return this.#track(this.#record(unrecorded));
      const routing = routeItem(item, record, conversations, this.#retiring);
      switch (routing.action) {
        case 'park':
          return this.#park(item, record, routing.why);
        case 'drop':
          return this.#drop(item, record, routing.why);
        case 'retire':
          lostTargets.set(item.target, routing.reason);
          return;
        case 'wait':
          return;
      }
      const { lane, target, reference } = routing;
      let seq = this.#seq.get(item.id);
      if (seq === undefined) {
        seq = this.#nextSeq++;
        this.#seq.set(item.id, seq);
      }
      const candidate: Candidate = { item, record, order: Date.parse(item.createdAt) || 0, seq, lane, target, reference };
      const list = lanes.get(lane);
      if (list) list.push(candidate);
      else lanes.set(lane, [candidate]);
    };
    for (const record of this.#records.values()) for (const item of record.outbox) consider(item, record);
    for (const item of state.outbox) consider(item, undefined);
    if (this.#seq.size > 2 * live.size + 1000) for (const id of this.#seq.keys()) if (!live.has(id)) this.#seq.delete(id);
    for (const [key, reason] of lostTargets) void this.retireTarget(key, reason).catch(() => undefined);

    const heads = lanesInOrder(lanes, this.#busyLanes);

    let wakeAt = Number.POSITIVE_INFINITY;
    for (const list of heads) {
      if (this.#busyLanes.size >= this.#concurrency) break;
      const head = list[0]!;
      const notBefore = head.item.notBefore ? Date.parse(head.item.notBefore) : 0;
      if (notBefore > now) {
        wakeAt = Math.min(wakeAt, notBefore);
        continue;
      }
      const job = jobFor(head, list, state);
      if (job.kind === 'skip') {
        this.#startJob(job, undefined);
        continue;
      }
      const slot = this.pacer.tryAcquire(job.lane, job.tenant, now);
      if (!slot.ok) {
        if (slot.waitMs !== undefined) wakeAt = Math.min(wakeAt, now + slot.waitMs);
        continue;
      }
      this.#startJob(job, slot.ticket);
    }
    if (Number.isFinite(wakeAt)) this.#armAt(wakeAt);
  }

  #startJob(job: Job, ticket: PacerTicket | undefined): void {
    this.#busyLanes.set(job.lane, job);
    this.#track(
      this.#run(job, ticket)
        .catch((error: unknown) => this.#log.error('outbox: a delivery failed unexpectedly', { itemId: job.head.id, error }))
        .finally(() => this.#freeLane(job)),
    );
  }

  #freeLane(job: Job): void {
    if (this.#busyLanes.get(job.lane) === job) this.#busyLanes.delete(job.lane);
    this.#schedulePump();
  }

  /** Keeps `work` in the set stop() waits for; pumps when it is over. */
  #track(work: Promise<unknown>): void {
    const run: Promise<void> = work
      .then(() => undefined)
      .catch((error: unknown) => this.#log.error('outbox: background work failed', { error }))
      .finally(() => {
        this.#jobs.delete(run);
        this.#schedulePump();
      });
    this.#jobs.add(run);
  }

  async #run(job: Job, ticket: PacerTicket | undefined): Promise<void> {
    if (job.kind === 'skip') return this.#record({ job, activityId: undefined });
    let message: OutgoingMessage | undefined;
    try {
      message = renderOutboxItem(job.head, job.record, job.state, {
        defaultLocale: this.#defaultLocale,
        policy: this.#policy,
        display: this.#display,
        now: this.#clock(),
      });
    } catch (error) {
      ticket?.release(this.#now());
      return this.#failed(job, { kind: 'fatal', message: `rendering failed: ${error instanceof Error ? error.message : String(error)}` });
    }
    if (!message) {
      ticket?.cancel();
      return this.#record({ job: { ...job, kind: 'skip' }, activityId: undefined });
    }
    let activityId: string | undefined;
    const started = this.#now();
    try {
      activityId = await this.#send(job, message);
    } catch (error) {
      ticket?.release(this.#now());
      return this.#failed(
        job,
        error instanceof SendFailedError ? error.failure : { kind: 'retry', message: String((error as Error)?.message ?? error).slice(0, 300) },
      );
    }
    ticket?.release(this.#now());
    this.#sent++;
    this.#log.debug('outbox: delivered', {
      itemId: job.head.id,
      kind: job.head.kind,
      target: job.head.target,
      referralId: job.record?.referral.id,
      settled: job.doneIds.length,
      ms: this.#now() - started,
    });
    // The lane stays busy until this is durable: at a crash, at most one sent-but-unrecorded item
    // per conversation (the duplicate window). Pipelining would not be faster under Teams' pacing.
    await this.#record({ job, activityId });
  }

  #send(job: Job, message: OutgoingMessage): Promise<string | undefined> {
    const { reference } = job;
    switch (job.kind) {
      case 'post':
        return this.#messenger.post(reference, message);
      case 'reply':
        return this.#messenger.reply(reference, job.cardActivityId!, message);
      case 'update':
        return this.#messenger.update(reference, job.cardActivityId!, message, job.threadRootId).then(() => undefined);
      case 'personal':
        return this.#messenger.sendPersonal(reference, message);
      default:
        return Promise.resolve(undefined);
    }
  }

  // --- store writes -------------------------------------------------------------------------------

  /**
   * The write after a successful send (or a skip): the settled items leave the outbox and the card
   * learns what was sent, in one write. If it fails, the send is remembered and the write retried;
   * the item is not sent again by this process.
   */
  async #record(entry: Unrecorded): Promise<void> {
    const { job, activityId } = entry;
    const ids = [job.head.id, ...job.doneIds].filter((id) => !this.#writing.has(id));
    if (!ids.includes(job.head.id)) return; // already being recorded
    for (const id of ids) this.#writing.add(id);
    try {
      const settled = await recordDelivered(this.#store, job, activityId);
      if (!settled && job.record && job.kind !== 'skip') {
        // Sent while the item was being dropped (its conversation retired, its card re-routed).
        this.#log.warn('outbox: delivered an item that had left the outbox meanwhile', {
          itemId: job.head.id,
          kind: job.head.kind,
          referralId: job.record.referral.id,
          activityId,
        });
      }
      this.#unrecorded.delete(job.head.id);
    } catch (error) {
      this.#unrecorded.set(job.head.id, entry);
      this.#log.error('outbox: delivered, but storing that failed; retrying the write (not the send)', { itemId: job.head.id, error });
      this.#armAt(this.#now() + this.#rescanMs);
    } finally {
      for (const id of ids) this.#writing.delete(id);
    }
  }

  /** After a failed send: retry later (backoff, Retry-After), park, or retire the conversation. */
  async #failed(job: Job, failure: SendFailure): Promise<void> {
    const fields = {
      itemId: job.head.id,
      kind: job.head.kind,
      target: job.head.target,
      referralId: job.record?.referral.id,
      status: failure.status,
      code: failure.code,
      error: failure.message,
    };
    if (failure.kind === 'gone') {
      this.#log.warn('outbox: Teams says the bot cannot post to this conversation; retiring it', fields);
      await this.retireTarget(job.head.target, `${DELIVERY_REASON_PREFIX}${failure.status} ${failure.code}`).catch(() => undefined);
      return;
    }
    const now = this.#now();
    const { parked: park, delayMs: delay = 0, attempts, notBefore, retryAfterMs, change } = failedAttempt(job, failure, now, this.#retry, this.#random);
    // Retry-After pauses the whole conversation, not only this item.
    if (retryAfterMs !== undefined) this.pacer.pause(job.lane, now + retryAfterMs, now);
    try {
      await changeOutbox(this.#store, job.record, job.head.id, (outbox) => outbox.map(change));
    } catch (error) {
      this.#log.error('outbox: could not store a failed attempt; trying again later', { itemId: job.head.id, error });
      this.#armAt(now + this.#rescanMs);
      return;
    }
    if (park) this.#log.error('outbox: item parked as failed (retried at the next start or by an admin)', { ...fields, attempts });
    else this.#log.warn('outbox: send failed; will retry', { ...fields, attempts, retryInMs: delay });
    if (notBefore) this.#armAt(now + delay);
  }

  /** Parks an item that cannot be sent as it is. */
  #park(item: OutboxItem, record: ReferralRecord | undefined, why: string): void {
    this.#writeItem(item, record, (current) => ({ ...current, state: 'failed', lastError: why }), why, 'parked');
  }

  /** Drops an item that has nothing left to do. */
  #drop(item: OutboxItem, record: ReferralRecord | undefined, why: string): void {
    this.#writeItem(item, record, () => undefined, why, 'dropped');
  }

  #writeItem(item: OutboxItem, record: ReferralRecord | undefined, change: (item: OutboxItem) => OutboxItem | undefined, why: string, what: string): void {
    if (this.#writing.has(item.id)) return;
    this.#writing.add(item.id);
    const apply = (outbox: OutboxItem[]) => outbox.flatMap((other) => (other.id === item.id ? (change(other) ?? []) : [other]));
    const write = changeOutbox(this.#store, record, item.id, apply);
    this.#track(
      write
        .then(() => this.#log.warn(`outbox: item ${what}`, { itemId: item.id, kind: item.kind, target: item.target, referralId: record?.referral.id, why }))
        .catch((error: unknown) => this.#log.error(`outbox: could not store a ${what} item`, { itemId: item.id, error }))
        .finally(() => this.#writing.delete(item.id)),
    );
  }

  async #resetFailed(why: 'start' | 'admin'): Promise<number> {
    const count = await resetFailed(this.#store);
    if (count > 0) this.#log.info('outbox: failed items back to pending', { count, why });
    return count;
  }
}
