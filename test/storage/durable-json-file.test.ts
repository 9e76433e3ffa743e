// The crash-safe lowdb adapter: round trip, missing and damaged files, no temp files left behind,
// and removal of a crash's temp leftovers.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { Low } from 'lowdb';
import { DurableJsonFile, isTempLeftover, removeTempLeftovers } from '../../storage/durable-json-file.js';
import { makeTempDir, removeDir } from '../support/records.js';

describe('storage: DurableJsonFile (lowdb adapter)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  it('writes through lowdb and reads back the same data', async () => {
    const file = path.join(dir, 'data.json');
    const db = new Low(new DurableJsonFile<{ n: number; tags: string[] }>(file), { n: 0, tags: [] });
    db.data = { n: 7, tags: ['a', 'ß'] };
    await db.write();
    const again = new Low(new DurableJsonFile<{ n: number; tags: string[] }>(file), { n: 0, tags: [] });
    await again.read();
    expect(again.data).to.deep.equal({ n: 7, tags: ['a', 'ß'] });
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ n: 7, tags: ['a', 'ß'] });
  });

  it('reads a missing file as null, so lowdb keeps its default', async () => {
    const db = new Low(new DurableJsonFile<{ n: number }>(path.join(dir, 'missing.json')), { n: 1 });
    await db.read();
    expect(db.data).to.deep.equal({ n: 1 });
  });

  it('refuses a damaged file, naming it', async () => {
    const file = path.join(dir, 'broken.json');
    await writeFile(file, '{"n": 1, "tags": [');
    let error: Error | undefined;
    await new DurableJsonFile(file).read().catch((e: Error) => (error = e));
    expect(error?.message).to.include('broken.json').and.include('not valid JSON');
  });

  it('leaves only the target file after many overlapping writes, holding the last one', async () => {
    const file = path.join(dir, 'data.json');
    const adapter = new DurableJsonFile<{ n: number }>(file);
    await Promise.all(Array.from({ length: 20 }, (_, n) => adapter.write({ n })));
    expect(await readdir(dir)).to.deep.equal(['data.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ n: 19 });
  });

  it('tells temp leftovers from real files and removes only those', async () => {
    expect(isTempLeftover('state.json.1234567')).to.equal(true);
    expect(isTempLeftover('segment-000001.json.42')).to.equal(true);
    expect(isTempLeftover('state.json')).to.equal(false);
    expect(isTempLeftover('notes.txt')).to.equal(false);
    await writeFile(path.join(dir, 'state.json'), '{}');
    await writeFile(path.join(dir, 'state.json.98765'), '{"half');
    await writeFile(path.join(dir, 'notes.txt'), 'keep me');
    expect(await removeTempLeftovers(dir)).to.deep.equal(['state.json.98765']);
    expect((await readdir(dir)).sort()).to.deep.equal(['notes.txt', 'state.json']);
  });
});
