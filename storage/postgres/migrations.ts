// The PostgreSQL schema and its versioned runner (docs/architecture.md#storage): start-up applies
// what is missing under an advisory lock, so instances starting together migrate once, and refuses
// a database whose schema is newer than this build knows (a rollback must not write old shapes).

import type { PoolClient } from 'pg';

/** One schema step. Never edit a released one: add the next. */
interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'referrals, history, leader, bot state',
    sql: `
      CREATE TABLE referrals (
        id text PRIMARY KEY,
        record jsonb NOT NULL,
        version integer NOT NULL,
        status text NOT NULL,
        substatus text NOT NULL,
        received_at timestamptz NOT NULL,
        created_at text NOT NULL,
        updated_at timestamptz,
        channel text,
        owner text,
        archived boolean NOT NULL DEFAULT false
      );
      CREATE INDEX referrals_open ON referrals (received_at DESC) WHERE NOT archived;
      CREATE INDEX referrals_status ON referrals (status, substatus, received_at DESC);
      CREATE INDEX referrals_received ON referrals (received_at DESC, id);
      CREATE INDEX referrals_updated ON referrals (updated_at);
      CREATE INDEX referrals_channel ON referrals (channel) WHERE channel IS NOT NULL;
      CREATE INDEX referrals_owner ON referrals (owner) WHERE owner IS NOT NULL;

      -- Each history event once, never updated or deleted (the record's history is a copy for reads).
      CREATE TABLE referral_history (
        referral_id text NOT NULL REFERENCES referrals (id),
        index integer NOT NULL,
        event jsonb NOT NULL,
        PRIMARY KEY (referral_id, index)
      );
      CREATE FUNCTION referral_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'referral_history is append-only';
      END $$;
      CREATE TRIGGER referral_history_append_only BEFORE UPDATE OR DELETE ON referral_history
        FOR EACH ROW EXECUTE FUNCTION referral_history_append_only();

      -- Who runs the background work now (the advisory lock decides; this row only tells /healthz).
      CREATE TABLE leader (
        id integer PRIMARY KEY CHECK (id = 1),
        instance text NOT NULL,
        host text NOT NULL,
        pid integer NOT NULL,
        since timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL
      );

      -- What the leader hands on to the next one (the outbox's pacing), not part of the Store contract.
      CREATE TABLE runtime_state (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE bot_state (
        id integer PRIMARY KEY CHECK (id = 1),
        state jsonb NOT NULL
      );
    `,
  },
];

/** Any constant both versions of the bot agree on: the lock that serializes migrations. */
const MIGRATION_LOCK = 7_346_201;

export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database schema is at version ${found}, newer than this build knows (${known}): run the newer build, or restore a backup taken before the upgrade`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the schema up to date; returns the versions it applied. */
export async function migrate(client: PoolClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const known = Math.max(0, ...migrations.map((migration) => migration.version));
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    if (newest > known) throw new SchemaTooNewError(newest, known);
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      done.push(migration.version);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
