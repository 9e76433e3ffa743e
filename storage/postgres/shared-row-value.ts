// A shared value as a row of runtime_state (storage/shared-value.ts): `{ version, value }` as JSON,
// its compare-and-set one conditional statement, so instances and the CLI need no shared disk. The
// schema is brought up to date first (the CLI may run before any instance did).

import pg from 'pg';
import { migrate } from './migrations.js';
import type { SharedValue, Versioned } from '../shared-value.js';

export class RowSharedValue implements SharedValue {
  readonly where = 'the database (runtime_state)';
  readonly #key: string;
  readonly #pool: pg.Pool;
  #ready: Promise<void> | undefined;

  constructor(databaseUrl: string, name: string) {
    this.#key = `shared:${name}`;
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 10_000 });
    // An idle connection the server drops must not take the process down.
    this.#pool.on('error', () => undefined);
  }

  #schema(): Promise<void> {
    this.#ready ??= (async () => {
      const client = await this.#pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async read(): Promise<Versioned | undefined> {
    await this.#schema();
    const { rows } = await this.#pool.query<{ value: Versioned }>('SELECT value FROM runtime_state WHERE key = $1', [this.#key]);
    return rows[0]?.value;
  }

  async write(value: string, expected: number): Promise<boolean> {
    await this.#schema();
    const next = JSON.stringify({ version: expected + 1, value });
    const result =
      expected === 0
        ? await this.#pool.query('INSERT INTO runtime_state (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO NOTHING', [
            this.#key,
            next,
          ])
        : await this.#pool.query("UPDATE runtime_state SET value = $2::jsonb, updated_at = now() WHERE key = $1 AND (value->>'version')::int = $3", [
            this.#key,
            next,
            expected,
          ]);
    return result.rowCount === 1;
  }

  async moveAside(current: Versioned, stamp: string): Promise<string> {
    const aside = `${this.#key}.unreadable-${stamp}`;
    await this.#pool.query('INSERT INTO runtime_state (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO NOTHING', [
      aside,
      JSON.stringify(current),
    ]);
    await this.write('', current.version);
    return `${this.where}, key ${aside}`;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
