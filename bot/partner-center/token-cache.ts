// The sign-in's token cache on disk (docs/architecture.md#partner-center): MSAL's serialized cache,
// encrypted with AES-256-GCM under a key derived (scrypt) from PARTNER_CENTER_TOKEN_KEY, file mode
// 0600. Without a key (local mode only) the cache stays in memory and a restart signs out.

import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

const VERSION = 1;

interface Sealed {
  v: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

export class TokenCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenCacheError';
  }
}

/** An MSAL cache plugin that keeps the cache in `file`, sealed with `secret`; in memory when `secret` is undefined. */
export class EncryptedTokenCache implements ICachePlugin {
  readonly #file: string;
  readonly #secret: string | undefined;
  readonly #keys = new Map<string, Buffer>();
  #memory = '';

  constructor(dataDir: string, secret: string | undefined) {
    this.#file = path.join(dataDir, 'partner-center', 'token-cache.json');
    this.#secret = secret;
  }

  get file(): string {
    return this.#file;
  }

  get persistent(): boolean {
    return this.#secret !== undefined;
  }

  // scrypt is slow on purpose; one derivation per salt, and the salt changes only when the file is rewritten.
  #key(salt: Buffer): Buffer {
    const id = salt.toString('base64');
    let key = this.#keys.get(id);
    if (!key) {
      key = scryptSync(this.#secret!, salt, 32);
      this.#keys.clear();
      this.#keys.set(id, key);
    }
    return key;
  }

  async read(): Promise<string> {
    if (!this.#secret) return this.#memory;
    let raw: string;
    try {
      raw = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw error;
    }
    let sealed: Sealed;
    try {
      sealed = JSON.parse(raw) as Sealed;
      if (sealed.v !== VERSION) throw new Error(`version ${String(sealed.v)}`);
      const decipher = createDecipheriv('aes-256-gcm', this.#key(Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      // Never the cause's text: it could quote the file.
      throw new TokenCacheError(`${this.#file} cannot be read with PARTNER_CENTER_TOKEN_KEY (another key, or a damaged file): sign in again`);
    }
  }

  async write(contents: string): Promise<void> {
    if (!this.#secret) {
      this.#memory = contents;
      return;
    }
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key(salt), iv);
    const data = Buffer.concat([cipher.update(contents, 'utf8'), cipher.final()]);
    const sealed: Sealed = {
      v: VERSION,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    await mkdir(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.#file, JSON.stringify(sealed), { mode: 0o600 });
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    // Read every time: `npm run partner-center -- login` signs in from another process.
    const contents = await this.read();
    if (contents !== '') context.tokenCache.deserialize(contents);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (context.cacheHasChanged) await this.write(context.tokenCache.serialize());
  }
}
