// The PostgreSQL Store (docs/architecture.md#storage): the same contract as the embedded store, for
// several instances on one database. Every write is one transaction that locks the referral's row
// (SELECT … FOR UPDATE, plus a transaction advisory lock on the id so two instances cannot both
// insert a new one); reads of open work come from a cache that each write and every other
// instance's NOTIFY keep current.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { deepFreeze, frozenJsonCopy } from '../frozen-json.js';
import { notifyListeners, StoreGate } from '../store-gate.js';
import { KeyedSerializer } from '../keyed-serializer.js';
import { assertRecord, isArchivable, asRecordChange } from '../record-rules.js';
import { defaultBotState, readBotState } from '../bot-state.js';
import type { Referral } from '../../referrals/model.js';
import {
  StoreUnavailableError,
  type DeliveryMutation,
  type ListFilter,
  type Mutation,
  type RecordListener,
  type ReferralRecord,
  type Store,
  type BotState,
} from '../store.js';
import { CHANNEL, ChangeFeed, type Change } from './change-feed.js';
import { migrate } from './migrations.js';
import { asUnavailable, reachable } from './unavailable.js';
import { INSERT_HISTORY, INSERT_REFERRAL, multiRowInsert, newHistory, referralRow, UPSERT_REFERRAL } from './rows.js';

export interface PgStoreOptions {
  connectionString: string;
  /** Connections this instance may hold. Default 10. */
  poolSize?: number;
  /** How long a call waits for a connection before it fails (a database that is down fails fast). Default 5000 ms. */
  connectTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

const STATE_KEY = 'state';

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  readonly instance = randomUUID();
  readonly #pool: pg.Pool;
  readonly #feed: ChangeFeed;
  readonly #log: (message: string, error?: unknown) => void;
  /** Every open referral's record (frozen), as last written here or reported by another instance. */
  readonly #open = new Map<string, ReferralRecord>();
  /** The ids of archived referrals: has() and stats() without a query. */
  /** How many referrals are archived: counted on the first stats() after a (re)load, then kept current by this instance's writes. */
  #archivedCount: number | undefined;
  #lastArchivedCount = 0;
  readonly #locks = new KeyedSerializer();
  readonly #stateLock = new KeyedSerializer();
  readonly #listeners = new Set<RecordListener>();
  readonly #remoteStateListeners = new Set<() => void>();
  #state: BotState = deepFreeze(defaultBotState());
  readonly #gate = new StoreGate('PgStore');
  #closing: Promise<void> | undefined;

  constructor(options: PgStoreOptions) {
    if (typeof options?.connectionString !== 'string' || options.connectionString === '') throw new Error('PgStore: connectionString is required');
    this.#log = options.log ?? ((message, error) => console.error(`[storage] ${message}`, error ?? ''));
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      // A query that hangs (a lock held by a dead instance's half-open connection) fails instead.
      query_timeout: 30_000,
    });
    this.#pool.on('error', (error) => this.#log('an idle database connection failed', error));
    this.#feed = new ChangeFeed({
      connectionString: options.connectionString,
      instance: this.instance,
      onChange: (change) => this.#changedElsewhere(change),
      onResync: () => this.#loadAll(true),
      log: this.#log,
    });
  }

  /** Applies the schema migrations, then loads open work and the bot-wide state into the cache. */
  async open(): Promise<void> {
    if (this.#gate.phase !== 'new') throw new Error(`PgStore.open(): the store is already ${this.#gate.phase}`);
    this.#gate.phase = 'opening';
    try {
      const client = await this.#pool.connect();
      client.on('error', (error) => this.#log('the database connection failed while migrating', error));
      try {
        await migrate(client);
        await client.query('INSERT INTO bot_state (id, state) VALUES (1, $1::jsonb) ON CONFLICT (id) DO NOTHING', [JSON.stringify(defaultBotState())]);
      } finally {
        client.release();
      }
      // Listen first: a change made while the cache loads is then reported, not missed.
      await this.#feed.start();
      await this.#loadAll();
    } catch (error) {
      this.#gate.phase = 'closed';
      await this.#feed.stop();
      await this.#pool.end().catch(() => undefined);
      throw error;
    }
    this.#gate.phase = 'open';
  }

  close(): Promise<void> {
    if (!this.#closing) {
      const wasOpen = this.#gate.phase !== 'new';
      this.#gate.phase = 'closing';
      this.#closing = (async () => {
        if (wasOpen) {
          await this.whenIdle();
          await this.#feed.stop();
          await this.#pool.end().catch(() => undefined);
        }
        this.#gate.phase = 'closed';
      })();
    }
    return this.#closing;
  }

  /**
   * Reads the row, so a read by id sees what another instance wrote a moment ago (the cache may
   * not have heard yet). While the database is unreachable, an open referral comes from the cache.
   */
  async get(id: string): Promise<ReferralRecord | undefined> {
    this.#gate.assertOpened('get');
    try {
      const { rows } = await reachable(() => this.#pool.query<{ record: ReferralRecord }>('SELECT record FROM referrals WHERE id = $1', [id]));
      return rows[0] ? deepFreeze(rows[0].record) : undefined;
    } catch (error) {
      const cached = this.#open.get(id);
      if (cached && error instanceof StoreUnavailableError) return cached;
      throw error;
    }
  }

  async list(filter: ListFilter = {}): Promise<Referral[]> {
    return (await this.listRecords(filter)).map((record) => record.referral);
  }

  async listRecords(filter: ListFilter = {}): Promise<ReferralRecord[]> {
    this.#gate.assertOpened('listRecords');
    const since = filter.updatedSince === undefined ? undefined : Date.parse(filter.updatedSince);
    if (since !== undefined && Number.isNaN(since)) throw new Error(`list: updatedSince "${filter.updatedSince}" is not a date`);
    const { rows } = await reachable(() =>
      this.#pool.query<{ record: ReferralRecord }>(
        `SELECT record FROM referrals
        WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR substatus = $2)
          AND ($3::timestamptz IS NULL OR updated_at IS NULL OR updated_at >= $3)
        ORDER BY received_at DESC NULLS LAST, id ASC`,
        [filter.status ?? null, filter.substatus ?? null, since === undefined ? null : new Date(since).toISOString()],
      ),
    );
    return rows.map((row) => deepFreeze(row.record));
  }

  openRecords(): ReferralRecord[] {
    this.#gate.assertOpened('openRecords');
    return [...this.#open.values()];
  }

  commitCommand<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T> {
    const refused = this.#gate.refuseWrite('commitCommand');
    if (refused) return Promise.reject(refused);
    return this.#locks.run(id, () => this.#readModifyWrite(id, change));
  }

  updateDelivery<T>(id: string, change: (current: ReferralRecord | undefined) => DeliveryMutation<T> | Promise<DeliveryMutation<T>>): Promise<T> {
    const refused = this.#gate.refuseWrite('updateDelivery');
    if (refused) return Promise.reject(refused);
    return this.#locks.run(id, () => this.#readModifyWrite(id, asRecordChange(id, change)));
  }

  readState(): BotState {
    this.#gate.assertOpened('readState');
    return structuredClone(this.#state);
  }

  updateState<T>(change: (state: BotState) => { state?: BotState; result: T }): Promise<T> {
    const refused = this.#gate.refuseWrite('updateState');
    if (refused) return Promise.reject(refused);
    return this.#stateLock.run(STATE_KEY, () =>
      this.#transaction(async (client) => {
        const { rows } = await client.query<{ state: BotState }>('SELECT state FROM bot_state WHERE id = 1 FOR UPDATE');
        const current = readBotState(rows[0]?.state ?? defaultBotState(), 'bot_state');
        const outcome = await change(structuredClone(current));
        if (outcome?.state === undefined) {
          this.#state = deepFreeze(current);
          return { result: outcome?.result as T };
        }
        readBotState(outcome.state, 'updateState');
        const next = frozenJsonCopy(outcome.state);
        await client.query('UPDATE bot_state SET state = $1::jsonb WHERE id = 1', [JSON.stringify(next)]);
        await this.#notifyOthers(client, { from: this.instance, state: true });
        return { result: outcome.result, after: () => (this.#state = next) };
      }),
    );
  }

  onChange(listener: RecordListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called after another instance changed the bot-wide state (a webhook event recorded there, a message queued). */
  onRemoteStateChange(listener: () => void): () => void {
    this.#remoteStateListeners.add(listener);
    return () => this.#remoteStateListeners.delete(listener);
  }

  async stats(): Promise<{ open: number; archived: number }> {
    this.#gate.assertOpened('stats');
    if (this.#archivedCount === undefined) {
      try {
        const { rows } = await reachable(() => this.#pool.query<{ count: string }>('SELECT count(*) AS count FROM referrals WHERE archived'));
        this.#archivedCount ??= Number(rows[0]?.count ?? 0);
      } catch (error) {
        // /healthz must answer during an outage: the last count known, as the open work is the cache's.
        if (!(error instanceof StoreUnavailableError)) throw error;
        return { open: this.#open.size, archived: this.#lastArchivedCount };
      }
    }
    this.#lastArchivedCount = this.#archivedCount;
    return { open: this.#open.size, archived: this.#archivedCount };
  }

  async importRecords(records: readonly ReferralRecord[]): Promise<void> {
    const refused = this.#gate.refuseWrite('importRecords');
    if (refused) throw refused;
    const copies = records.map((record, index) => {
      assertRecord(record, `importRecords: record ${index}`);
      return frozenJsonCopy(record);
    });
    await this.#transaction(async (client) => {
      const ids = copies.map((record) => record.referral.id);
      const { rows } = await client.query<{ id: string }>('SELECT id FROM referrals WHERE id = ANY($1::text[]) LIMIT 1', [ids]);
      if (rows[0]) throw new Error(`importRecords: referral ${rows[0].id} is already stored`);
      // Multi-row inserts: a batch of 500 records is two statements, not thousands.
      for (let start = 0; start < copies.length; start += 500) {
        const batch = copies.slice(start, start + 500);
        await client.query(...multiRowInsert(INSERT_REFERRAL, batch.map(referralRow)));
        const history = batch.flatMap((record) => newHistory(undefined, record).map((row) => [record.referral.id, row.index, row.event]));
        for (let from = 0; from < history.length; from += 5_000) await client.query(...multiRowInsert(INSERT_HISTORY, history.slice(from, from + 5_000)));
      }
      // Running instances reload: the leader's scheduler and sender then see the imported open work.
      await this.#notifyOthers(client, { from: this.instance, imported: true });
      return {
        result: undefined,
        after: () => {
          for (const record of copies) {
            if (isArchivable(record)) {
              if (this.#archivedCount !== undefined) this.#archivedCount++;
            } else this.#open.set(record.referral.id, record);
          }
        },
      };
    });
  }

  /** Resolves once no write of this instance is under way or queued. */
  async whenIdle(): Promise<void> {
    while (this.#locks.busyKeys + this.#stateLock.busyKeys > 0) await Promise.all([this.#locks.drain(), this.#stateLock.drain()]);
  }

  /** What the leader keeps for the next one (not referral data): undefined when nothing was kept. */
  async readRuntime<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.#pool.query<{ value: T }>('SELECT value FROM runtime_state WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async writeRuntime(key: string, value: unknown): Promise<void> {
    await this.#pool.query(
      'INSERT INTO runtime_state (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()',
      [key, JSON.stringify(value)],
    );
  }

  /** For /healthz: connections in use and waiting, and whether other instances' changes reach this one. */
  poolStats(): { total: number; idle: number; waiting: number; changeFeed: boolean } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount, changeFeed: this.#feed.connected };
  }

  async #readModifyWrite<T>(id: string, change: (current: ReferralRecord | undefined) => Mutation<T> | Promise<Mutation<T>>): Promise<T> {
    return this.#transaction(async (client) => {
      // The row lock serializes writers of a stored referral; the advisory lock also covers an id not stored yet.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [id]);
      const { rows } = await client.query<{ record: ReferralRecord; archived: boolean }>('SELECT record, archived FROM referrals WHERE id = $1 FOR UPDATE', [
        id,
      ]);
      const stored = rows[0];
      const mutation = await change(stored && structuredClone(stored.record));
      if (mutation === null || typeof mutation !== 'object') throw new Error(`update(${id}): the change function must return { record?, result }`);
      if (mutation.record === undefined) return { result: mutation.result, after: () => stored && this.#cache(deepFreeze(stored.record)) };
      if (stored?.archived) throw new Error(`referral ${id} is archived (closed); it cannot change`);
      assertRecord(mutation.record, `update(${id})`, id);
      const record = frozenJsonCopy(mutation.record);
      await client.query(UPSERT_REFERRAL, referralRow(record));
      for (const row of newHistory(stored?.record, record)) {
        await client.query(INSERT_HISTORY, [id, row.index, row.event]);
      }
      await this.#notifyOthers(client, { from: this.instance, referral: id });
      return {
        result: mutation.result,
        after: () => {
          this.#cache(record, stored === undefined);
          notifyListeners(this.#listeners, record, this.#log);
        },
      };
    });
  }

  /** Runs `work` in a transaction; its `after` runs once the commit is durable. */
  async #transaction<T>(work: (client: pg.PoolClient) => Promise<{ result: T; after?: () => unknown }>): Promise<T> {
    const client = await reachable(() => this.#pool.connect());
    // A connection that dies while checked out says so as an 'error' event; the query under way rejects too.
    const onError = (error: unknown) => this.#log('a database connection failed during a transaction', error);
    client.on('error', onError);
    let broken = false;
    try {
      await client.query('BEGIN');
      const { result, after } = await work(client);
      await client.query('COMMIT');
      after?.();
      return result;
    } catch (error) {
      const converted = asUnavailable(error);
      broken = converted !== error;
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw converted;
    } finally {
      client.off('error', onError);
      // A connection that failed is not given back to the pool for the next request.
      client.release(broken);
    }
  }

  #notifyOthers(client: pg.PoolClient, change: Change): Promise<unknown> {
    return client.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]);
  }

  /** `isNew`: the write created the referral (so a closed one adds to the archived count). */
  #cache(record: ReferralRecord, isNew = false): void {
    const id = record.referral.id;
    if (isArchivable(record)) {
      if ((this.#open.delete(id) || isNew) && this.#archivedCount !== undefined) this.#archivedCount++;
    } else {
      this.#open.set(id, record);
    }
  }

  /** Another instance wrote: refresh what the cache holds of it, in order with this instance's own writes. */
  #changedElsewhere(change: Change): void {
    if (this.#gate.phase !== 'open' && this.#gate.phase !== 'opening') return;
    if ('imported' in change) {
      void this.#loadAll(true).catch((error: unknown) => this.#log('reloading after an import failed', error));
      return;
    }
    if ('state' in change) {
      void this.#stateLock
        .run(STATE_KEY, async () => {
          const { rows } = await this.#pool.query<{ state: BotState }>('SELECT state FROM bot_state WHERE id = 1');
          if (rows[0]) this.#state = deepFreeze(readBotState(rows[0].state, 'bot_state'));
          for (const listener of this.#remoteStateListeners) listener();
        })
        .catch((error: unknown) => this.#log('reloading the bot-wide state failed', error));
      return;
    }
    const id = change.referral;
    void this.#locks
      .run(id, async () => {
        const { rows } = await this.#pool.query<{ record: ReferralRecord }>('SELECT record FROM referrals WHERE id = $1', [id]);
        if (!rows[0]) return;
        const record = deepFreeze(rows[0].record);
        this.#cache(record);
        notifyListeners(this.#listeners, record, this.#log);
      })
      .catch((error: unknown) => this.#log(`reloading referral ${id} written by another instance failed`, error));
  }

  /**
   * Loads the bot-wide state and the open work. On a reload (`tell`: after the
   * change feed reconnected, or another process imported referrals) the listeners hear of each open
   * referral that is new or changed here, as they would of a write: the leader's scheduler and
   * sender pick the work up without a restart.
   */
  async #loadAll(tell = false): Promise<void> {
    const [state, open] = await Promise.all([
      this.#pool.query<{ state: BotState }>('SELECT state FROM bot_state WHERE id = 1'),
      this.#pool.query<{ record: ReferralRecord }>('SELECT record FROM referrals WHERE NOT archived'),
    ]);
    this.#state = deepFreeze(readBotState(state.rows[0]?.state ?? defaultBotState(), 'bot_state'));
    const before = new Map(this.#open);
    this.#open.clear();
    for (const row of open.rows) this.#open.set(row.record.referral.id, deepFreeze(row.record));
    // Start-up reads the open work only; the archive is counted when someone asks (stats()).
    this.#archivedCount = undefined;
    if (!tell) return;
    for (const [id, record] of this.#open) {
      if (before.get(id)?.referral.version !== record.referral.version) notifyListeners(this.#listeners, record, this.#log);
    }
    for (const listener of this.#remoteStateListeners) listener();
  }
}
