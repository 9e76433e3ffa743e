// state.json: the small bot-wide state (conversation references, routes, channel settings,
// bot-level outbox) as one lowdb file, with its defaults and shape checks.

import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file.js';
import { deepFreeze, frozenJsonCopy } from './frozen-json.js';
import type { StoreState } from './store.js';

export function defaultState(): StoreState {
  return { conversations: {}, routes: [], settings: {}, outbox: [] };
}

function assertState(state: unknown, where: string): asserts state is StoreState {
  const isRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isRecord(state)) throw new Error(`${where}: the state is not an object`);
  const { conversations, routes, settings, outbox } = state as Partial<StoreState>;
  if (!isRecord(conversations)) throw new Error(`${where}: state.conversations is not an object`);
  if (!Array.isArray(routes)) throw new Error(`${where}: state.routes is not an array`);
  if (!isRecord(settings)) throw new Error(`${where}: state.settings is not an object`);
  if (!Array.isArray(outbox)) throw new Error(`${where}: state.outbox is not an array`);
}

export class StateFile {
  readonly #adapter: DurableJsonFile<StoreState>;
  #file: Low<StoreState>;

  constructor(filename: string) {
    this.#adapter = new DurableJsonFile<StoreState>(filename);
    this.#file = new Low(this.#adapter, defaultState());
  }

  /** The state as last written (frozen: copy it before changing). */
  get current(): StoreState {
    return this.#file.data;
  }

  async load(): Promise<void> {
    await this.#file.read();
    // A file from an older version may lack a newer key: the defaults fill it in.
    const loaded = { ...defaultState(), ...this.#file.data };
    assertState(loaded, 'state.json');
    this.#file.data = deepFreeze(loaded);
  }

  /** Writes `next` durably; only then does it become `current`. */
  async write(next: StoreState): Promise<void> {
    assertState(next, 'updateState');
    const file = new Low(this.#adapter, frozenJsonCopy(next));
    await file.write();
    this.#file = file;
  }
}
