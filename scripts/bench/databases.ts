// The bench's own PostgreSQL databases on the server DATABASE_URL names: made fresh for a step,
// dropped after it, so a run never touches data it did not create.

import pg from 'pg';

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** An empty database `name` (dropped first if a failed run left it); returns its URL. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  await dropDatabase(adminUrl, name);
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  return target.toString();
}

export function dropDatabase(adminUrl: string, name: string): Promise<void> {
  return admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
