// Which instance runs the background work (docs/architecture.md#several-instances): the one whose
// dedicated session holds a PostgreSQL advisory lock. PostgreSQL frees the lock when that session
// ends, also when its process is killed; the others try again every third of the failover time, so
// one takes over within SCHEDULER_FAILOVER. A leader that cannot reach its session steps down at once.

import os from 'node:os';
import pg from 'pg';
import type { LeaderStatus, LeadOptions } from '../coordination.js';

const LEADER_LOCK = 7_346_202;

export interface LeaderLockOptions extends LeadOptions {
  connectionString: string;
  instance: string;
}

export class LeaderLock {
  readonly #options: LeaderLockOptions;
  #client: pg.Client | undefined;
  #leader = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #tick: Promise<void> = Promise.resolve();
  #current: LeaderStatus['current'];

  constructor(options: LeaderLockOptions) {
    this.#options = options;
  }

  /** Resolves after the first try: a lone instance leads from its start. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#tick = this.#beat();
    await this.#tick;
    this.#schedule(this.#beatMs);
  }

  /** How often the lock is tried (or the leader checks its session): a third of the failover time. */
  get #beatMs(): number {
    return Math.max(200, Math.floor(this.#options.failoverMs / 3));
  }

  status(): LeaderStatus {
    return { leader: this.#leader, instance: this.#options.instance, ...(this.#current && { current: this.#current }) };
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#tick = this.#beat().finally(() => this.#schedule(this.#beatMs));
    }, delayMs);
    this.#timer.unref();
  }

  async #session(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const beat = Math.max(1, Math.floor(this.#beatMs / 1000));
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      connectionTimeoutMillis: Math.max(1_000, this.#beatMs),
      query_timeout: Math.max(1_000, this.#beatMs),
      keepAlive: true,
    });
    client.on('error', (error) => this.#options.log('the leader session failed', error));
    await client.connect();
    // The server drops a session whose machine went silent within about the failover time, freeing its lock.
    await client.query(`SET tcp_keepalives_idle = ${beat}; SET tcp_keepalives_interval = ${beat}; SET tcp_keepalives_count = 2`);
    this.#client = client;
    return client;
  }

  async #beat(): Promise<void> {
    try {
      const client = await this.#session();
      if (!this.#leader) {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [LEADER_LOCK]);
        if (rows[0]?.locked) {
          const since = new Date().toISOString();
          await client.query(
            `INSERT INTO leader (id, instance, host, pid, since, heartbeat_at) VALUES (1, $1, $2, $3, $4, now())
             ON CONFLICT (id) DO UPDATE SET instance = $1, host = $2, pid = $3, since = $4, heartbeat_at = now()`,
            [this.#options.instance, os.hostname(), process.pid, since],
          );
          this.#leader = true;
          this.#options.log(`this instance now runs the background work (leader since ${since})`);
          await this.#options.onElected();
        }
      } else {
        await client.query('UPDATE leader SET heartbeat_at = now() WHERE id = 1 AND instance = $1', [this.#options.instance]);
      }
      const { rows } = await client.query<{ instance: string; host: string; pid: number; since: Date }>(
        'SELECT instance, host, pid, since FROM leader WHERE id = 1',
      );
      const row = rows[0];
      this.#current = row && { instance: row.instance, host: row.host, pid: row.pid, since: new Date(row.since).toISOString() };
    } catch (error) {
      this.#options.log('the leader session is lost; stepping down and trying again', error);
      await this.#stepDown();
    }
  }

  async #stepDown(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
    if (this.#leader) {
      this.#leader = false;
      await this.#options.onDeposed().catch((error: unknown) => this.#options.log('stopping the background work failed', error));
    }
  }

  /** Stops the background work here and lets another instance take over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    await this.#stepDown();
  }
}
