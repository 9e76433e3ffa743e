// Picks the store (docs/architecture.md#storage): PostgreSQL when DATABASE_URL is set, else the
// embedded lowdb store in DATA_DIR. Opening it fails with a message that names the variable and
// the cause in words, never the password.

import { randomUUID } from 'node:crypto';
import { singleOwner, type Coordination } from './coordination.js';
import { LowdbStore } from './lowdb-store.js';
import { pgCoordination } from './postgres/pg-coordination.js';
import { PgStore } from './postgres/pg-store.js';
import type { Store } from './store.js';
import { redactConnectionString } from './redact-connection.js';
import { SchemaTooNewError } from './postgres/migrations.js';

export interface StoreChoice {
  dataDir: string;
  databaseUrl?: string;
  /** Connections the PostgreSQL store may hold. */
  poolSize?: number;
  log?: (message: string, error?: unknown) => void;
}

/** Why the store cannot be opened, in words, starting with the setting to fix. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

/** node-postgres errors carry the server's SQLSTATE or the socket's errno. */
function postgresCause(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  if (error instanceof SchemaTooNewError) return error.message;
  switch (code) {
    case 'ECONNREFUSED':
      return 'nothing listens at that host and port (connection refused)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case 'ETIMEDOUT':
      return 'the host does not answer (timed out; a firewall rule?)';
    case '28P01':
    case '28000':
      return 'the server refused the user name or password';
    case '3D000':
      return 'the database does not exist';
    case '42501':
      return 'the user lacks the permissions the bot needs (it creates its tables on first start: grant CREATE on the database, or run the first start as the owner)';
    default:
      return /timeout/i.test(message ?? '') ? 'the server did not answer in time' : (message ?? String(error));
  }
}

/** An open store, how its instances agree, and which kind it is (for logs and /healthz). */
export interface OpenedStore {
  store: Store;
  coordination: Coordination;
  kind: 'embedded' | 'postgres';
}

export async function openStore(choice: StoreChoice): Promise<OpenedStore> {
  if (choice.databaseUrl) {
    const where = redactConnectionString(choice.databaseUrl);
    const store = new PgStore({
      connectionString: choice.databaseUrl,
      ...(choice.poolSize && { poolSize: choice.poolSize }),
      ...(choice.log && { log: choice.log }),
    });
    try {
      await store.open();
    } catch (error) {
      // The driver's own message may quote the connection string: keep only the cause.
      throw new StoreOpenError(`DATABASE_URL (${where}) cannot be used: ${postgresCause(error).split(choice.databaseUrl).join(where)}`, {
        cause: error,
      });
    }
    return { store, coordination: pgCoordination(store, choice.databaseUrl), kind: 'postgres' };
  }
  const store = new LowdbStore({ dataDir: choice.dataDir, ...(choice.log && { log: choice.log }) });
  try {
    await store.open();
  } catch (error) {
    throw new StoreOpenError(`DATA_DIR (${choice.dataDir}) cannot be used: ${(error as Error).message}`, { cause: error });
  }
  return { store, coordination: singleOwner(randomUUID()), kind: 'embedded' };
}
