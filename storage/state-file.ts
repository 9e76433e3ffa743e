// state.json: the small bot-wide state (conversation references, routes, channel settings,
// bot-level outbox, digest, Partner Center link) as one lowdb file, checked by storage/bot-state.ts.

import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file.js';
import { deepFreeze, frozenJsonCopy } from './frozen-json.js';
import { defaultBotState, readBotState, type BotState } from './bot-state.js';

/** The keys every version of state.json has had: a file without them was not written by the bot. */
function assertStoredState(value: unknown): asserts value is Partial<BotState> {
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isObject || !('conversations' in value) || !('routes' in value)) {
    throw new Error(
      `state.json holds ${JSON.stringify(value).slice(0, 40)}, not the bot-wide state (an object with conversations and routes): restore it from a backup, or delete it to start with no channels`,
    );
  }
}

export class StateFile {
  readonly #adapter: DurableJsonFile<BotState>;
  #file: Low<BotState>;

  constructor(filename: string) {
    this.#adapter = new DurableJsonFile<BotState>(filename);
    this.#file = new Low(this.#adapter, defaultBotState());
  }

  /** The state as last written (frozen: copy it before changing). */
  get current(): BotState {
    return this.#file.data;
  }

  async load(): Promise<void> {
    const file = await this.#adapter.readIfExists();
    if (!file.found) {
      this.#file.data = deepFreeze(defaultBotState());
      return;
    }
    // null, {} or [] is not an empty state but a damaged one: starting would forget every route.
    assertStoredState(file.value);
    // A file from an older version may lack a newer key: the reader fills it in.
    this.#file.data = deepFreeze(readBotState(file.value, 'state.json'));
  }

  /** Writes `next` durably; only then does it become `current`. */
  async write(next: BotState): Promise<void> {
    readBotState(next, 'updateState');
    const file = new Low(this.#adapter, frozenJsonCopy(next));
    await file.write();
    this.#file = file;
  }
}
