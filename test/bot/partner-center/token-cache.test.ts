// The sign-in kept on disk: sealed with PARTNER_CENTER_TOKEN_KEY (nothing of it readable in the
// file), mode 0600, unreadable with another key; without a key (local mode) never on disk.

import { expect } from 'chai';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { EncryptedTokenCache, TokenCacheError } from '../../../bot/partner-center/token-cache.js';
import { removeDir, tempDataDir } from '../../support/start-service.js';

const KEY = 'a-key-of-at-least-thirty-two-characters!';
const CACHE = JSON.stringify({ RefreshToken: { one: { secret: 'refresh-token-value-0.AVYA' } }, AccessToken: { two: { secret: 'eyJ0eXAiOiJKV1Qi' } } });

describe('Partner Center token cache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDataDir();
  });
  afterEach(() => removeDir(dir));

  it('round-trips, encrypted, in a file only its owner can read', async () => {
    const cache = new EncryptedTokenCache(dir, KEY);
    await cache.write(CACHE);
    const raw = await readFile(cache.file, 'utf8');
    expect(raw).not.to.include('refresh-token-value').and.not.to.include('eyJ0eXAi');
    expect((await stat(cache.file)).mode & 0o777).to.equal(0o600);
    expect(await new EncryptedTokenCache(dir, KEY).read()).to.equal(CACHE);
  });

  it('another key, or a damaged file, is a clear error that says to sign in again (and quotes nothing)', async () => {
    await new EncryptedTokenCache(dir, KEY).write(CACHE);
    const other = new EncryptedTokenCache(dir, 'another-key-of-at-least-thirty-two-chars');
    const error = await other.read().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(TokenCacheError);
    expect((error as Error).message)
      .to.include('sign in again')
      .and.not.include('refresh-token');
    await writeFile(other.file, '{"v":1,"salt":"AAAA","iv":"AAAA","tag":"AAAA","data":"AAAA"}');
    await other.read().then(
      () => expect.fail('a damaged file was read'),
      (caught: unknown) => expect(caught).to.be.instanceOf(TokenCacheError),
    );
  });

  it('without a key the sign-in stays in memory: no file is written', async () => {
    const cache = new EncryptedTokenCache(dir, undefined);
    await cache.write(CACHE);
    expect(await cache.read()).to.equal(CACHE);
    expect(existsSync(cache.file)).to.equal(false);
  });
});
