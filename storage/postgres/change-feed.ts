// Tells each instance what the others wrote (docs/architecture.md#storage): every write sends a
// NOTIFY in its transaction; this dedicated connection LISTENs and hands on what others changed.
// Notifications sent while it was disconnected are lost, so after a reconnect it asks for a full resync.

import pg from 'pg';

export const CHANNEL = 'referral_desk_changes';

/** What one write changed: a referral (its id), the bot-wide state, or many referrals at once (an import: reload). */
export type Change = { from: string; referral: string } | { from: string; state: true } | { from: string; imported: true };

export interface ChangeFeedOptions {
  connectionString: string;
  /** This instance: its own notifications are skipped. */
  instance: string;
  onChange: (change: Change) => void;
  /** After a reconnect: reload everything cached. */
  onResync: () => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  #client: pg.Client | undefined;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: ChangeFeedOptions) {
    this.#options = options;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Connects and LISTENs; rejects when the first connection fails (start-up reports it). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString, connectionTimeoutMillis: 5_000 });
    client.on('notification', (message) => this.#received(message.payload));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#client = client;
  }

  #received(payload: string | undefined): void {
    try {
      const change = JSON.parse(payload ?? '') as Change;
      if (change.from !== this.#options.instance) this.#options.onChange(change);
    } catch (error) {
      this.#options.log('a change notification could not be read', error);
    }
  }

  #lost(client: pg.Client, error?: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (this.#stopped) return;
    this.#options.log('the change feed lost its database connection; reconnecting', error);
    this.#schedule(1_000);
  }

  #schedule(delayMs: number): void {
    this.#retry = setTimeout(() => {
      this.#connect().then(
        () => this.#resync(1_000),
        (error: unknown) => {
          this.#options.log('the change feed cannot reconnect yet', error);
          if (!this.#stopped) this.#schedule(Math.min(delayMs * 2, 30_000));
        },
      );
    }, delayMs);
    this.#retry.unref();
  }

  #resync(delayMs: number): void {
    if (this.#stopped) return;
    this.#options.onResync().catch((error: unknown) => {
      this.#options.log('the resync after a reconnect failed; trying again', error);
      this.#retry = setTimeout(() => this.#resync(Math.min(delayMs * 2, 30_000)), delayMs);
      this.#retry.unref();
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
    }
  }
}
