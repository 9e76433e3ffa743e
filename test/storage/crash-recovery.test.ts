// What a crash can leave behind and how open() repairs it: a referral both archived and open,
// temp files, finished records still in open/, damaged files; and a real SIGKILL mid-write.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { isTempLeftover } from '../../storage/durable-json-file.js';
import { openFileName } from '../../storage/layout.js';
import type { LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { declined, makeTempDir, newReferral, outboxItem, recordOf, removeDir } from '../support/records.js';
import { filesUnder, openStore, put, readJson, rejectionOf } from '../support/store-harness.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'update-loop.ts');

/** A closed referral one version past `record`: what only a write after the archive copy could hold. */
function laterCopy(record: ReferralRecord, outbox = record.outbox): ReferralRecord {
  const referral = record.referral;
  const at = new Date(Date.parse(referral.updatedDateTime) + 60_000).toISOString();
  return { referral: { ...referral, version: referral.version + 1, updatedDateTime: at, history: [...referral.history, { type: 'reminded', at }] }, outbox };
}

describe('storage: LowdbStore crash recovery', () => {
  let dir: string;
  let store: LowdbStore | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await store?.close();
    store = undefined;
    await removeDir(dir);
  });

  /** Archives `record` through the store, then puts a copy back in open/ as if the delete never ran. */
  async function crashAfterArchiveWrite(record: ReferralRecord, openCopy: ReferralRecord): Promise<string> {
    const first = await openStore(dir);
    await put(first, record);
    await first.close();
    expect(await first.stats()).to.deep.equal({ open: 0, archived: 1 });
    const openFile = path.join(dir, 'open', openFileName(record.referral.id));
    await writeFile(openFile, JSON.stringify(openCopy));
    return openFile;
  }

  it('keeps the archived copy and deletes the open file when both have the same version', async () => {
    const record = recordOf(declined(newReferral('rfi-1')));
    await crashAfterArchiveWrite(record, record);
    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect(await filesUnder(path.join(dir, 'open'))).to.deep.equal([]);
    expect(await store.get('rfi-1')).to.deep.equal(record);
    expect((await store.list()).map((referral) => referral.id)).to.deep.equal(['rfi-1']);
  });

  it('keeps the open copy and ignores the archived one when the open copy has a higher version', async () => {
    const record = recordOf(declined(newReferral('rfi-1')));
    const newer = laterCopy(record, [outboxItem('o-pending')]);
    await crashAfterArchiveWrite(record, newer);
    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 0 });
    expect(await store.get('rfi-1')).to.deep.equal(newer);
    expect(store.openRecords()).to.deep.equal([newer]);
    expect(await store.list()).to.deep.equal([newer.referral]);
    // The open copy is writable as usual, and stays the one that counts after another restart.
    await store.commitCommand('rfi-1', (current) => ({ record: { ...current!, card: { target: 'channel:sales' } }, result: undefined }));
    await store.close();
    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 0 });
    expect(await store.get('rfi-1')).to.deep.equal({ ...newer, card: { target: 'channel:sales' } });
  });

  it('archives a newer open copy again and keeps its version over the stale archived one', async () => {
    const record = recordOf(declined(newReferral('rfi-1')));
    const newer = laterCopy(record, []);
    await crashAfterArchiveWrite(record, newer);
    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect((await store.get('rfi-1'))!.referral.version).to.equal(3);
    await store.close();
    store = await openStore(dir);
    expect((await store.get('rfi-1'))!.referral.version).to.equal(3);
    expect(await store.list()).to.have.length(1);
  });

  it('archives, at open, a closed record with an empty outbox left in open/', async () => {
    const record = recordOf(declined(newReferral('rfi-1')));
    const first = await openStore(dir);
    await first.close();
    await writeFile(path.join(dir, 'open', openFileName('rfi-1')), JSON.stringify(record));
    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect(await filesUnder(path.join(dir, 'open'))).to.deep.equal([]);
    expect(await store.get('rfi-1')).to.deep.equal(record);
  });

  it('ignores and removes temp files a crash left behind, keeping the real data', async () => {
    const first = await openStore(dir);
    await put(first, recordOf(newReferral('rfi-1')));
    await put(first, recordOf(declined(newReferral('rfi-2'))));
    await first.updateState((state) => ({ state: { ...state, settings: { 'channel:sales': { locale: 'ru' } } }, result: undefined }));
    await first.close();
    const openName = openFileName('rfi-1');
    await writeFile(path.join(dir, 'open', `${openName}.3141592`), '{"referral": {"id": "rfi-1", "vers');
    await writeFile(path.join(dir, 'archive', 'segment-000001.json.2718'), '{"records": [');
    await writeFile(path.join(dir, 'state.json.1618'), '');

    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 1 });
    expect(store.readState().settings).to.deep.equal({ 'channel:sales': { locale: 'ru' } });
    expect((await store.get('rfi-1'))!.referral.version).to.equal(1);
    expect((await filesUnder(dir)).filter(isTempLeftover)).to.deep.equal([]);
  });

  it('refuses to open over a damaged data file, naming it, instead of dropping data', async () => {
    const first = await openStore(dir);
    await put(first, recordOf(newReferral('rfi-1')));
    await first.close();
    const name = openFileName('rfi-1');
    await writeFile(path.join(dir, 'open', name), '{"referral": ');
    const error = await rejectionOf(openStore(dir));
    expect(error.message).to.include(name).and.include('not valid JSON');
  });

  it('refuses a record file whose name does not match its referral id', async () => {
    const first = await openStore(dir);
    await first.close();
    await writeFile(path.join(dir, 'open', openFileName('someone-else')), JSON.stringify(recordOf(newReferral('rfi-1'))));
    expect((await rejectionOf(openStore(dir))).message).to.include('holds referral rfi-1');
  });

  it('keeps every write it reported as done when the process is SIGKILLed mid-way', async function () {
    this.timeout(20_000);
    const reported = new Map<string, number>();
    for (const run of ['a', 'b']) {
      // Two rounds: the second child starts from what the first crash left behind.
      const lines = await runUntilKilled(dir, run, 120);
      for (const line of lines) {
        const [id, value] = line.split(' ');
        reported.set(id!, Math.max(reported.get(id!) ?? 0, Number(value)));
      }
      // Before any repair: every data file is whole JSON (temp files may be torn; they are never read).
      for (const file of await filesUnder(dir)) {
        if (isTempLeftover(file)) continue;
        expect(() => JSON.parse(readFileSync(path.join(dir, file), 'utf8')), file).not.to.throw();
      }
    }

    store = await openStore(dir);
    const counter = reported.get('counter')!;
    reported.delete('counter');
    expect(reported.size).to.be.greaterThan(20);
    expect((await store.get('counter'))!.card!.shownVersion).to.be.at.least(counter);
    for (const [id, version] of reported) {
      const record = await store.get(id);
      expect(record, id).not.to.equal(undefined);
      expect(record!.referral.version, id).to.be.at.least(version);
    }
    const files = await filesUnder(dir);
    expect(files.filter(isTempLeftover)).to.deep.equal([]);
    for (const file of files) await readJson(path.join(dir, file));
    // And the store still works after recovery.
    await put(store, recordOf(newReferral('after-crash')));
    expect(await store.has('after-crash')).to.equal(true);
  });
});

/** Runs the update loop in a child process and SIGKILLs it after `lines` reported writes. */
function runUntilKilled(dataDir: string, run: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, run], { stdio: ['ignore', 'pipe', 'pipe'] });
    const done: string[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      // Only whole lines count: a torn last line was not fully reported.
      for (const line of complete) if (line !== 'ready') done.push(line);
      if (!killed && done.length >= lines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    // Never leave a writer running behind a failed test.
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`update loop reported only ${done.length} writes in 15 s: ${stderr}`));
    }, 15_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve(done);
      else reject(new Error(`update loop exited with ${code ?? signal} before it was killed: ${stderr}`));
    });
  });
}
