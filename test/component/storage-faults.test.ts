// Storage faults found at start-up rather than on the first write (docs/architecture.md#hardening):
// a data directory that takes no writes and a state.json that is not the bot's state both stop
// the service with a message naming DATA_DIR; nothing on disk is changed by trying.

import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../../bot/app.js';
import { filesUnder } from '../support/data-dir.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, ROOT, startService, tempDataDir } from '../support/start-service.js';
import { childEnv } from '../support/child-env.js';

/** Whether this machine lets an unprivileged user namespace bind-mount a directory read-only (root ignores file modes). */
function canMountReadOnly(): boolean {
  return spawnSync('unshare', ['-rm', 'true']).status === 0;
}

describe('storage faults at start (component)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDataDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('a read-only data directory stops the service at start with a message naming DATA_DIR, instead of a healthy /healthz', function () {
    if (!canMountReadOnly()) this.skip();
    this.timeout(20_000);
    // The service runs inside a mount namespace where `dir` is a read-only bind mount: EROFS for everyone, root included.
    const script = `mount --bind "$DATA_DIR" "$DATA_DIR" && mount -o remount,ro,bind "$DATA_DIR" && exec "${process.execPath}" --disable-warning=DEP0111 --import tsx bot/main.ts`;
    const run = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
      cwd: ROOT,
      env: childEnv({ DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info' }),
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status, run.stdout + run.stderr).to.equal(1);
    expect(run.stderr).to.include(`Referral Desk failed to start: DATA_DIR (${dir}) cannot be used: ${dir} does not take writes (EROFS)`);
    expect(run.stdout).not.to.include('"msg":"listening"');
  });

  for (const [name, content] of [
    ['null', 'null'],
    ['an empty object', '{}'],
    ['an empty array', '[]'],
    ['a string', '"routes"'],
  ] as const) {
    it(`a state.json holding ${name} is refused at start, left as it is, and named`, async () => {
      await writeFile(path.join(dir, 'state.json'), content);
      const error = await startService({ DATA_DIR: dir }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error).to.be.instanceOf(StartupError);
      expect(error?.message).to.include(`DATA_DIR (${dir}) cannot be used: state.json holds ${content}, not the bot-wide state`);
      expect(await readFile(path.join(dir, 'state.json'), 'utf8')).to.equal(content);
    });
  }

  it('an open record file holding null is refused at start, naming the file', async () => {
    await mkdir(path.join(dir, 'open'), { recursive: true });
    await writeFile(path.join(dir, 'open', '0123456789abcdef0123456789abcdef.json'), 'null');
    const error = await startService({ DATA_DIR: dir }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.include('open/0123456789abcdef0123456789abcdef.json: the record is not an object');
  });

  it('stores records as compact JSON: a nested body is not blown up by indentation (the record holds the RFI twice: as taken in and in its history)', async () => {
    const service = await startService({ DATA_DIR: dir });
    try {
      const nest = (levels: number): unknown => (levels === 0 ? 1 : [nest(levels - 1), nest(levels - 1)]);
      const rfi = sampleRfi('compact', { extra: nest(12) });
      const body = JSON.stringify(rfi);
      expect((await postReferral(service.url, rfi)).status).to.equal(201);
      const files = await filesUnder(path.join(dir, 'open'));
      const stored = await readFile(path.join(dir, 'open', files[0]!), 'utf8');
      expect(stored.length).to.be.below(2 * body.length + 4_096);
      expect(stored).not.to.match(/\n/);
    } finally {
      await service.stop();
    }
  });
});
