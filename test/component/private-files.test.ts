// Records hold customers' contacts: every file the service writes under DATA_DIR is 0600 and every
// folder 0700, whatever the umask, and a data directory an older version left 0755 is closed at
// start (docs/architecture.md#security). Real service, files read back from disk.

import { expect } from 'chai';
import { chmod, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, tempDataDir } from '../support/start-service.js';

async function modesUnder(dir: string): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const modes: Array<[string, string]> = [[`${path.basename(dir)}/`, ((await stat(dir)).mode & 0o777).toString(8)]];
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    modes.push([path.relative(dir, full) + (entry.isDirectory() ? '/' : ''), ((await stat(full)).mode & 0o777).toString(8)]);
  }
  return modes;
}

describe('files under DATA_DIR are private (component)', function () {
  this.timeout(20_000);
  let dataDir: string;
  afterEach(() => removeDir(dataDir));

  it('records, state and folders are 0600 / 0700 with a permissive umask; an old 0755 data directory is closed at start', async () => {
    dataDir = await tempDataDir();
    await chmod(dataDir, 0o755);
    const umask = process.umask(0o022);
    try {
      const service = await startService({ DATA_DIR: dataDir });
      expect((await postReferral(service.url, sampleRfi('private-1'))).status).to.equal(201);
      expect((await postReferral(service.url, sampleRfi('private-2'))).status).to.equal(201);
      await service.store.updateState((state) => ({ state: { ...state, settings: { 'channel:x': { locale: 'ru' } } }, result: undefined }));
      await service.stop();
    } finally {
      process.umask(umask);
    }
    const modes = await modesUnder(dataDir);
    expect(modes.filter(([name]) => name.endsWith('.json')).length).to.equal(3); // the state and two records
    for (const [name, mode] of modes) expect(mode, name).to.equal(name.endsWith('/') ? '700' : '600');
  });
});
