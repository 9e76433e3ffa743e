// LowdbStore on disk: what the Store contract (store-contract.test.ts, both stores) does not say:
// one file per referral, what a write touches, JSON copies, listeners after the durable write, state.json.

import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { openFileName } from '../../storage/layout.js';
import type { LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { defaultBotState } from '../../storage/bot-state.js';
import { accepted, makeTempDir, newReferral, outboxItem, recordOf, removeDir } from '../support/records.js';
import { filesUnder, openStore, put, readJson, rejectionOf, snapshot } from '../support/store-harness.js';
import { waitFor } from '../support/wait-for.js';

describe('storage: LowdbStore', () => {
  let dir: string;
  let store: LowdbStore;
  beforeEach(async () => {
    dir = await makeTempDir();
    store = await openStore(dir);
  });
  afterEach(async () => {
    await store.close();
    await removeDir(dir);
  });

  it('round-trips a record and writes it as its own file in open/', async () => {
    const record = recordOf(newReferral('rfi-1'), [outboxItem('o-1', 'postCard')]);
    await put(store, record);
    expect(await store.has('rfi-1')).to.equal(true);
    expect(await store.get('rfi-1')).to.deep.equal(record);
    expect(store.openRecords()).to.deep.equal([record]);
    expect(await store.list()).to.deep.equal([record.referral]);
    const file = path.join(dir, 'open', openFileName('rfi-1'));
    expect(await readJson(file)).to.deep.equal(record);
    expect(openFileName('rfi-1')).to.match(/^[0-9a-f]{32}\.json$/);
  });

  it('loses no update when 200 increments on one id run concurrently', async () => {
    await put(store, { ...recordOf(newReferral('rfi-1')), card: { target: 'channel:sales', shownVersion: 0 } });
    const increments = Array.from({ length: 200 }, (_, n) =>
      store.commitCommand('rfi-1', async (current) => {
        // Yield inside the read-modify-write: without serialization the increments would interleave.
        await new Promise((resolve) => setImmediate(resolve));
        const record = current!;
        record.card!.shownVersion = (record.card!.shownVersion ?? 0) + 1;
        record.outbox.push(outboxItem(`o-${n}`));
        return { record, result: record.card!.shownVersion };
      }),
    );
    const results = await Promise.all(increments);
    expect(results).to.deep.equal(Array.from({ length: 200 }, (_, n) => n + 1));
    expect((await store.get('rfi-1'))!.card!.shownVersion).to.equal(200);
    expect((await store.get('rfi-1'))!.outbox).to.have.length(200);
    const onDisk = await readJson<ReferralRecord>(path.join(dir, 'open', openFileName('rfi-1')));
    expect(onDisk.card!.shownVersion).to.equal(200);
  });

  it('does not make one id wait for a slow update of another', async () => {
    await put(store, recordOf(newReferral('slow')));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = store.commitCommand('slow', async (current) => {
      await gate;
      return { record: { ...current!, card: { target: 'channel:sales', shownVersion: 1 } }, result: 'slow' };
    });
    await put(store, recordOf(newReferral('fast')));
    expect(await store.has('fast')).to.equal(true);
    expect((await store.get('slow'))!.card).to.equal(undefined);
    release();
    expect(await slow).to.equal('slow');
    expect((await store.get('slow'))!.card!.shownVersion).to.equal(1);
  });

  it('writes nothing when the change function throws, and later updates of that id still work', async () => {
    const record = recordOf(newReferral('rfi-1'));
    await put(store, record);
    const before = await snapshot(dir);
    const error = await rejectionOf(
      store.commitCommand('rfi-1', (current) => {
        current!.outbox.push(outboxItem('never'));
        throw new Error('form is invalid');
      }),
    );
    expect(error.message).to.equal('form is invalid');
    const asyncError = await rejectionOf(store.commitCommand('rfi-1', async () => Promise.reject(new Error('later'))));
    expect(asyncError.message).to.equal('later');
    expect(await snapshot(dir)).to.deep.equal(before);
    expect(await store.get('rfi-1')).to.deep.equal(record);

    await store.commitCommand('rfi-1', (current) => ({ record: { ...current!, outbox: [outboxItem('o-1')] }, result: undefined }));
    expect((await store.get('rfi-1'))!.outbox.map((item) => item.id)).to.deep.equal(['o-1']);
  });

  it('writes nothing and calls no listener when the change returns only a result', async () => {
    let calls = 0;
    store.onChange(() => (calls += 1));
    const seen = await store.commitCommand('rfi-new', (current) => ({ result: current === undefined ? 'absent' : 'present' }));
    expect(seen).to.equal('absent');
    expect(await store.has('rfi-new')).to.equal(false);
    expect(await filesUnder(path.join(dir, 'open'))).to.deep.equal([]);
    expect(calls).to.equal(0);
  });

  it('refuses an id UTF-8 cannot hold (a lone surrogate) rather than let two ids share a file', async () => {
    const lone = await rejectionOf(put(store, recordOf(newReferral('u4-\ud800'))));
    expect(lone.message).to.match(/not well-formed Unicode/);
    await put(store, recordOf(newReferral('u4-\ufffd')));
    expect((await store.stats()).open).to.equal(1);
    expect(await filesUnder(path.join(dir, 'open'))).to.have.length(1);
  });

  it('hands the change function a private copy and out frozen records', async () => {
    await put(store, recordOf(newReferral('rfi-1')));
    await store.commitCommand('rfi-1', (current) => {
      current!.referral.name = 'changed but not returned';
      return { result: undefined };
    });
    const stored = (await store.get('rfi-1'))!;
    expect(stored.referral.name).to.equal('Contoso');
    expect(() => stored.outbox.push(outboxItem('sneaky'))).to.throw(TypeError);
    expect(() => ((store.openRecords()[0]!.referral as { name: string }).name = 'x')).to.throw(TypeError);
  });

  it('keeps what a restart would read: the written record is a JSON copy, not the caller object', async () => {
    const record = recordOf(newReferral('rfi-1'));
    const withUndefined = { ...record, card: { target: 'channel:sales', activityId: undefined } };
    await put(store, withUndefined);
    withUndefined.card.target = 'mutated after the write';
    const stored = (await store.get('rfi-1'))!;
    expect(stored.card).to.deep.equal({ target: 'channel:sales' });
    expect(Object.keys(stored.card!)).to.deep.equal(['target']);
  });

  it('calls listeners after the write is on disk, and survives a listener that throws', async () => {
    const seenOnDisk: number[] = [];
    const logged: string[] = [];
    await store.close();
    store = await openStore(dir, { log: (message) => logged.push(message) });
    store.onChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = store.onChange((record) => {
      const file = path.join(dir, 'open', openFileName(record.referral.id));
      // Synchronous read on purpose: the listener runs after the durable write, so this sees it.
      seenOnDisk.push((JSON.parse(readFileSync(file, 'utf8')) as ReferralRecord).referral.version);
    });
    await put(store, recordOf(newReferral('rfi-1')));
    await put(store, recordOf(accepted(newReferral('rfi-1'))));
    unsubscribe();
    await put(store, recordOf(newReferral('rfi-2')));
    expect(seenOnDisk).to.deep.equal([1, 2]);
    expect(logged).to.have.length(3);
    expect(logged[0]).to.include('listener failed');
    expect((await store.get('rfi-1'))!.referral.version).to.equal(2);
  });

  it('rewrites only the changed referral file on an update (hot path independent of other data)', async () => {
    for (let n = 0; n < 30; n += 1) await put(store, recordOf(newReferral(`rfi-${n}`)));
    await store.updateState((state) => ({ state: { ...state, settings: { 'channel:sales': { locale: 'en' } } }, result: undefined }));
    const before = await snapshot(dir);
    // A rewrite of a file must show in its mtime: let the clock pass the newest one first.
    const newest = Math.max(...[...before.values()].map((entry) => Number(entry.split(':')[0])));
    await waitFor('the clock passes the newest mtime', () => Date.now() > newest + 1);
    await store.commitCommand('rfi-7', (current) => ({ record: { ...current!, outbox: [outboxItem('o-1')] }, result: undefined }));
    const after = await snapshot(dir);
    const changed = [...after.keys()].filter((file) => after.get(file) !== before.get(file));
    expect(changed).to.deep.equal([path.join('open', openFileName('rfi-7'))]);
    expect([...after.keys()]).to.deep.equal([...before.keys()]);
  });

  describe('bot-wide state', () => {
    it('serializes updateState: 50 concurrent increments all land', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          store.updateState((state) => {
            const count = Object.keys(state.settings).length + 1;
            return { state: { ...state, settings: { ...state.settings, [`channel:${count}`]: {} } }, result: count };
          }),
        ),
      );
      expect(new Set(results).size).to.equal(50);
      expect(Object.keys(store.readState().settings)).to.have.length(50);
      expect(Object.keys((await readJson<{ settings: object }>(path.join(dir, 'state.json'))).settings)).to.have.length(50);
    });

    it('writes nothing when the state change throws, and gives readers a copy', async () => {
      const error = await rejectionOf(
        store.updateState((state) => {
          state.routes.push({ target: 'channel:x' } as never);
          throw new Error('bad route');
        }),
      );
      expect(error.message).to.equal('bad route');
      const copy = store.readState();
      copy.routes.push({ target: 'mine' } as never);
      expect(store.readState().routes).to.deep.equal([]);
      expect(await store.updateState(() => ({ result: 'read only' }))).to.equal('read only');
    });

    it('refuses a state without the required collections', async () => {
      const error = await rejectionOf(store.updateState(() => ({ state: { conversations: {} } as never, result: undefined })));
      expect(error.message).to.include('routes');
      expect(store.readState().routes).to.deep.equal([]);
    });

    it('fills keys missing from an older state.json with their defaults', async () => {
      await store.close();
      await writeFile(path.join(dir, 'state.json'), JSON.stringify({ conversations: { a: 1 }, routes: [] }));
      store = await openStore(dir);
      expect(store.readState()).to.deep.equal({ ...defaultBotState(), conversations: { a: 1 } });
    });
  });

  describe('open and close', () => {
    it('close() waits for writes under way, then refuses new ones with a clear error', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const pending = store.commitCommand('rfi-1', async () => {
        await gate;
        return { record: recordOf(newReferral('rfi-1')), result: 'written' };
      });
      let closed = false;
      const closing = store.close().then(() => (closed = true));
      // A close that did not wait would have resolved within this turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(closed).to.equal(false);
      const refused = await rejectionOf(put(store, recordOf(newReferral('rfi-2'))));
      expect(refused.message).to.match(/closed/);
      release();
      expect(await pending).to.equal('written');
      await closing;
      expect((await rejectionOf(store.updateState(() => ({ result: 1 })))).message).to.match(/closed/);
      const reopened = await openStore(dir);
      expect(await reopened.has('rfi-1')).to.equal(true);
      expect(await reopened.has('rfi-2')).to.equal(false);
      await reopened.close();
    });

    it('refuses use before open()', async () => {
      const { LowdbStore } = await import('../../storage/lowdb-store.js');
      const unopened = new LowdbStore({ dataDir: dir });
      expect((await rejectionOf(unopened.has('x'))).message).to.match(/open\(\) first/);
      expect((await rejectionOf(put(unopened, recordOf(newReferral('x'))))).message).to.match(/open\(\) first/);
      expect((await rejectionOf(store.open())).message).to.match(/already open/);
    });
  });
});
