// The kept sign-in: sealed with PARTNER_CENTER_TOKEN_KEY (nothing of it readable where it is kept),
// mode 0600 in DATA_DIR; one that cannot be opened (another key, damage) is moved aside once and
// reads as "nobody signed in"; a write replaces only the version it read, so an older copy never
// overwrites a newer sign-in; without a key (local mode) never kept at all.

import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EncryptedTokenCache, type TokenCacheEvents } from '../../../bot/partner-center/token-cache.js';
import { FileSharedValue } from '../../../storage/shared-file-value.js';
import { removeDir, tempDataDir } from '../../support/start-service.js';

const KEY = 'a-key-of-at-least-thirty-two-characters!';
const CACHE = JSON.stringify({ RefreshToken: { one: { secret: 'refresh-token-value-0.AVYA' } }, AccessToken: { two: { secret: 'eyJ0eXAiOiJKV1Qi' } } });
const NEWER = JSON.stringify({ RefreshToken: { one: { secret: 'newer-refresh-token' } } });

describe('Partner Center token cache', () => {
  let dir: string;
  let told: { unreadable: string[]; lostRaces: number };
  const events: TokenCacheEvents = {
    onUnreadable: (where) => told.unreadable.push(where),
    onLostRace: () => (told.lostRaces += 1),
  };
  const cacheWith = (key: string | undefined) => new EncryptedTokenCache(new FileSharedValue(dir, 'token-cache'), key, events);
  const file = () => path.join(dir, 'partner-center', 'token-cache.json');
  beforeEach(async () => {
    dir = await tempDataDir();
    told = { unreadable: [], lostRaces: 0 };
  });
  afterEach(() => removeDir(dir));

  it('round-trips, sealed, in a file only its owner can read', async () => {
    const cache = cacheWith(KEY);
    expect(await cache.write(CACHE)).to.equal(true);
    const raw = await readFile(file(), 'utf8');
    expect(raw).not.to.include('refresh-token-value').and.not.to.include('eyJ0eXAi');
    expect((await stat(file())).mode & 0o777).to.equal(0o600);
    expect(await cacheWith(KEY).read()).to.equal(CACHE);
  });

  it('a sign-in kept by an older version (the sealed value alone, no version) is read as before', async () => {
    const cache = cacheWith(KEY);
    await cache.write(CACHE);
    const { value } = JSON.parse(await readFile(file(), 'utf8')) as { value: string };
    await writeFile(file(), value);
    expect(await cacheWith(KEY).read()).to.equal(CACHE);
  });

  it('another key, or a damaged value: moved aside once, told once, and read as nobody signed in; a new sign-in is kept', async () => {
    await cacheWith(KEY).write(CACHE);
    const rotated = cacheWith('another-key-of-at-least-thirty-two-chars');
    expect(await rotated.read()).to.equal('');
    expect(told.unreadable).to.have.length(1);
    expect(await rotated.read()).to.equal('');
    expect(told.unreadable).to.have.length(1);
    const aside = (await readdir(path.join(dir, 'partner-center'))).filter((name) => name.includes('.unreadable-'));
    expect(aside).to.have.length(1);
    expect(await rotated.write(NEWER)).to.equal(true);
    expect(await cacheWith('another-key-of-at-least-thirty-two-chars').read()).to.equal(NEWER);

    await writeFile(file(), '{"version":7,"value":"{\\"v\\":1,\\"salt\\":\\"AAAA\\",\\"iv\\":\\"AAAA\\",\\"tag\\":\\"AAAA\\",\\"data\\":\\"AAAA\\"}"}');
    expect(await cacheWith(KEY).read()).to.equal('');
    expect(told.unreadable).to.have.length(2);
  });

  it('a write replaces only the version it read: an older copy never overwrites a newer sign-in', async () => {
    await cacheWith(KEY).write(CACHE);
    const service = cacheWith(KEY);
    const cli = cacheWith(KEY);
    expect(await service.read()).to.equal(CACHE);
    expect(await cli.read()).to.equal(CACHE);
    expect(await cli.write(NEWER)).to.equal(true); // the CLI signs in
    expect(await service.write(CACHE)).to.equal(false); // the service's refresh of the older copy
    expect(told.lostRaces).to.equal(1);
    expect(await cacheWith(KEY).read()).to.equal(NEWER);
  });

  it('without a key the sign-in stays in memory: nothing is written', async () => {
    const cache = cacheWith(undefined);
    await cache.write(CACHE);
    expect(await cache.read()).to.equal(CACHE);
    expect(existsSync(file())).to.equal(false);
  });
});
