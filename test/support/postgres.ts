// A fresh PostgreSQL database per test on the server TEST_DATABASE_URL names (.ci/run starts one;
// scripts/postgres-test-server.sh does it by hand). Without it the PostgreSQL suites are skipped
// with one line that says how to run them.

import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const TEST_DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? '';

export const SKIP_REASON = 'skipped: no PostgreSQL server (set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:54329/postgres; .ci/run starts one)';

function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `referral_desk_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return withDatabase(TEST_DATABASE_URL, name);
}

/** Drops a database made by createTestDatabase, closing whatever still holds it. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^referral_desk_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Runs SQL on `url` as the test does (to look at rows or change them behind the store's back). */
export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
