// state.json: the small bot-wide state (conversation references, routes, channel settings,
// bot-level outbox) as one lowdb file, with its defaults and shape checks.

import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file.js';
import { deepFreeze, frozenJsonCopy } from './frozen-json.js';
import type { StoreState } from './store.js';

export function defaultState(): StoreState {
  return { conversations: {}, routes: [], settings: {}, outbox: [] };
}

export function assertState(state: unknown, where: string): asserts state is StoreState {
  const isRecord = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isRecord(state)) throw new Error(`${where}: the state is not an object`);
  const { conversations, routes, settings, outbox } = state as Partial<StoreState>;
  if (!isRecord(conversations)) throw new Error(`${where}: state.conversations is not an object`);
  if (!Array.isArray(routes)) throw new Error(`${where}: state.routes is not an array`);
  if (!isRecord(settings)) throw new Error(`${where}: state.settings is not an object`);
  if (!Array.isArray(outbox)) throw new Error(`${where}: state.outbox is not an array`);
}

/** The keys every version of state.json has had: a file without them was not written by the bot. */
function assertStoredState(value: unknown): asserts value is Partial<StoreState> {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject || !('conversations' in value) || !('routes' in value)) {
    throw new Error(
      `state.json holds ${JSON.stringify(value).slice(0, 40)}, not the bot-wide state (an object with conversations and routes): restore it from a backup, or delete it to start with no channels`,
    );
  }
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
    const file = await this.#adapter.readIfExists();
    if (!file.found) {
      this.#file.data = deepFreeze(defaultState());
      return;
    }
    // null, {} or [] is not an empty state but a damaged one: starting would forget every route.
    assertStoredState(file.value);
    // A file from an older version may lack a newer key: the defaults fill it in.
    const loaded = { ...defaultState(), ...file.value };
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
