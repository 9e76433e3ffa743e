// What instances sharing one store agree on (docs/architecture.md#several-instances): who runs the
// background work, what the leader leaves for the next one, and news of another instance's writes
// to the bot-wide state. The embedded store has one owner (owner.lock), so it is always the leader;
// PostgreSQL implements it with an advisory lock and NOTIFY (postgres/pg-coordination.ts).

export interface LeaderStatus {
  /** This instance runs the timers, the digest, the outbox and the Partner Center loops. */
  leader: boolean;
  instance: string;
  /** The leader as it last wrote itself down (any instance can tell). */
  current?: { instance: string; host: string; pid: number; since: string };
}

export interface LeadOptions {
  /** How soon another instance takes over after this one dies. */
  failoverMs: number;
  /** This instance became the leader: start the background work. */
  onElected: () => Promise<void>;
  /** This instance lost the lead (or stops): stop the background work. */
  onDeposed: () => Promise<void>;
  log: (message: string, error?: unknown) => void;
}

export interface Leadership {
  status(): LeaderStatus;
  /** Steps down (another instance takes over at once) and stops trying. */
  stop(): Promise<void>;
}

export interface Coordination {
  /** False when this process is the store's only user (the embedded store): it leads from the start. */
  readonly shared: boolean;
  /** Tries to lead until stopped; resolves after the first try (a lone instance leads from its start). */
  lead(options: LeadOptions): Promise<Leadership>;
  /** Calls `listener` after another instance changed the bot-wide state; returns what stops it. */
  onRemoteStateChange(listener: () => void): () => void;
  /** What the leader keeps for the next one (not referral data): undefined when nothing was kept. */
  readRuntime<T>(key: string): Promise<T | undefined>;
  writeRuntime(key: string, value: unknown): Promise<void>;
  /** For /healthz: the connections behind it, when there are any. */
  health(): Record<string, unknown> | undefined;
}

/** The embedded store's coordination: one process, so it leads at once and never hears of others. */
export function singleOwner(instance: string): Coordination {
  const runtime = new Map<string, unknown>();
  return {
    shared: false,
    async lead(options) {
      await options.onElected();
      let led = true;
      return {
        status: () => ({ leader: led, instance }),
        stop: async () => {
          if (!led) return;
          led = false;
          await options.onDeposed();
        },
      };
    },
    onRemoteStateChange: () => () => undefined,
    readRuntime: <T>(key: string) => Promise.resolve(runtime.get(key) as T | undefined),
    writeRuntime: (key, value) => Promise.resolve(void runtime.set(key, structuredClone(value))),
    health: () => undefined,
  };
}
