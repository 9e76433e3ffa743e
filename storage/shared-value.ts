// A small value every process of one deployment shares and replaces only over the version it read
// (compare-and-set): the Partner Center sign-in, which the service, the `npm run partner-center`
// CLI and several instances all use (docs/architecture.md#partner-center). With PostgreSQL it is a
// row of the database, so instances need no shared disk; with the embedded store it is a file in
// DATA_DIR guarded by a lock file, so the CLI never has to open the running service's store.

import { FileSharedValue } from './shared-file-value.js';
import { RowSharedValue } from './postgres/shared-row-value.js';

export interface Versioned {
  /** Grows by one with every write; 0 is "never written". */
  version: number;
  value: string;
}

export interface SharedValue {
  /** Where it is kept, for messages (a path, or "the database"); never a secret. */
  readonly where: string;
  /** A folder whose changes mean another process wrote (fs.watch); none when writes cannot be watched. */
  readonly watchDir?: string;
  /** The stored value (an emptied one is '' with its version kept), or undefined when never written. */
  read(): Promise<Versioned | undefined>;
  /** Writes `value` if the stored version is still `expected`; false when another writer got there first. */
  write(value: string, expected: number): Promise<boolean>;
  /** Keeps `current` under another name (`<name>.unreadable-<stamp>`) and empties the value; returns where it went. */
  moveAside(current: Versioned, stamp: string): Promise<string>;
  close(): Promise<void>;
}

export interface SharedValueChoice {
  dataDir: string;
  databaseUrl?: string;
}

export function openSharedValue(choice: SharedValueChoice, name: string): SharedValue {
  return choice.databaseUrl ? new RowSharedValue(choice.databaseUrl, name) : new FileSharedValue(choice.dataDir, name);
}
