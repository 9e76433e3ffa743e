// The sign-in's token cache (docs/architecture.md#partner-center): MSAL's serialized cache, sealed
// with AES-256-GCM under a key derived (scrypt, once per process) from PARTNER_CENTER_TOKEN_KEY, kept
// as a shared value (storage/shared-value.ts: a row of the database, or a 0600 file in DATA_DIR)
// that is only replaced over the version it was read at, so the CLI, the service and several
// instances never overwrite a newer sign-in. All of MSAL's cache use in a process goes through one
// lock. A cache that cannot be opened (another key, a damaged value) is moved aside, once, and the
// connection says "sign-in needed" instead of failing. Without a key (local mode only) the cache
// stays in memory and a restart signs out.

import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { SharedValue } from '../../storage/shared-value.js';

const VERSION = 1;
const derive = promisify(scrypt) as (secret: string, salt: Buffer, length: number) => Promise<Buffer>;

interface Sealed {
  v: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

/** The kept sign-in cannot be opened with this key (or is damaged). The message quotes nothing of it. */
export class TokenCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCacheError';
  }
}

/** Seals and opens MSAL's cache text; the key for this process's own salt is derived once. */
export class TokenSealer {
  readonly #secret: string;
  readonly #salt = randomBytes(16);
  readonly #keys = new Map<string, Promise<Buffer>>();

  constructor(secret: string) {
    this.#secret = secret;
  }

  #key(salt: Buffer): Promise<Buffer> {
    const id = salt.toString('base64');
    let key = this.#keys.get(id);
    if (!key) {
      // scrypt is slow on purpose: asynchronous, so the event loop keeps serving, and kept for this salt.
      if (this.#keys.size > 4) this.#keys.delete([...this.#keys.keys()].find((other) => other !== this.#salt.toString('base64'))!);
      key = derive(this.#secret, salt, 32);
      this.#keys.set(id, key);
    }
    return key;
  }

  async seal(contents: string): Promise<string> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', await this.#key(this.#salt), iv);
    const data = Buffer.concat([cipher.update(contents, 'utf8'), cipher.final()]);
    const sealed: Sealed = {
      v: VERSION,
      salt: this.#salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    return JSON.stringify(sealed);
  }

  async open(text: string): Promise<string> {
    try {
      const sealed = JSON.parse(text) as Sealed;
      if (sealed.v !== VERSION) throw new Error(`version ${String(sealed.v)}`);
      const key = await this.#key(Buffer.from(sealed.salt, 'base64'));
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      // Never the cause's text: it could quote the sealed value.
      throw new TokenCacheError('the kept sign-in cannot be opened with PARTNER_CENTER_TOKEN_KEY (another key, or damaged)');
    }
  }
}

export interface TokenCacheEvents {
  /** The kept sign-in could not be opened and was moved to `where`: said once per value. */
  onUnreadable: (where: string) => void;
  /** Another process kept a newer sign-in first: this process's change was not written. */
  onLostRace?: () => void;
}

/** An MSAL cache plugin over a shared value, sealed with `secret`; in memory when `secret` is undefined. */
export class EncryptedTokenCache implements ICachePlugin {
  readonly #shared: SharedValue | undefined;
  readonly #sealer: TokenSealer | undefined;
  readonly #events: TokenCacheEvents;
  #tail: Promise<void> = Promise.resolve();
  readonly #held = new Map<TokenCacheContext, () => void>();
  /** The shared version the in-memory cache was last read at: a write replaces only that one. */
  #version = 0;
  #memory = '';

  constructor(shared: SharedValue, secret: string | undefined, events: TokenCacheEvents) {
    this.#shared = secret === undefined ? undefined : shared;
    this.#sealer = secret === undefined ? undefined : new TokenSealer(secret);
    this.#events = events;
  }

  get persistent(): boolean {
    return this.#shared !== undefined;
  }

  /** The cache text as kept now ('' when nothing is kept); an unreadable value is moved aside first. */
  async read(): Promise<string> {
    if (!this.#shared || !this.#sealer) return this.#memory;
    const stored = await this.#shared.read();
    this.#version = stored?.version ?? 0;
    if (!stored || stored.value === '') return '';
    try {
      return await this.#sealer.open(stored.value);
    } catch (error) {
      if (!(error instanceof TokenCacheError)) throw error;
      const where = await this.#shared.moveAside(stored, new Date().toISOString().replace(/[:.]/g, '-'));
      this.#version = stored.version + 1;
      this.#events.onUnreadable(where);
      return '';
    }
  }

  /** Whether another process kept a sign-in since this one last read or wrote it. */
  async changedElsewhere(): Promise<boolean> {
    if (!this.#shared) return false;
    return ((await this.#shared.read())?.version ?? 0) !== this.#version;
  }

  /** Keeps `contents` over the version last read; false (and nothing written) when another process kept a newer one. */
  async write(contents: string): Promise<boolean> {
    if (!this.#shared || !this.#sealer) {
      this.#memory = contents;
      return true;
    }
    const written = await this.#shared.write(await this.#sealer.seal(contents), this.#version);
    if (written) this.#version += 1;
    else this.#events.onLostRace?.();
    return written;
  }

  /** An async lock: resolves, in call order, with the function that lets the next one in. */
  #acquire(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    return previous.then(() => release);
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    // One of MSAL's read-modify-write sequences at a time: two token requests during a first sign-in
    // must not each read the cache and then write their own, older, copy over the other's.
    const release = await this.#acquire();
    this.#held.set(context, release);
    // Read every time: the CLI or another instance may have signed in since.
    const contents = await this.read();
    if (contents !== '') context.tokenCache.deserialize(contents);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    try {
      if (context.cacheHasChanged) await this.write(context.tokenCache.serialize());
    } finally {
      this.#held.get(context)?.();
      this.#held.delete(context);
    }
  }
}
