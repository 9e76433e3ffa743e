// Closed referrals leave the hot path: they move to bounded archive segments in the background,
// stay findable (get, has, list) across restarts, and are read-only there.

import path from 'node:path';
import { access } from 'node:fs/promises';
import { expect } from 'chai';
import { openFileName } from '../../storage/layout.js';
import type { LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { accepted, declined, makeTempDir, minutesAfterT0, newReferral, outboxItem, recordOf, removeDir, won } from '../support/records.js';
import { filesUnder, openStore, put, readJson, rejectionOf, snapshot } from '../support/store-harness.js';

/** The archive's segment files (each has a summary beside it: segment-N.summary.json). */
async function segmentFiles(dir: string): Promise<string[]> {
  const names = await filesUnder(path.join(dir, 'archive'));
  const segments = names.filter((name) => !name.endsWith('.summary.json'));
  expect(names.filter((name) => name.endsWith('.summary.json'))).to.deep.equal(segments.map((name) => name.replace(/\.json$/, '.summary.json')));
  return segments;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

describe('storage: LowdbStore archive', () => {
  let dir: string;
  let store: LowdbStore;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await store?.close();
    await removeDir(dir);
  });

  it('moves a closed referral with an empty outbox to the archive after the closing write, off the caller path', async () => {
    store = await openStore(dir);
    const referral = newReferral('rfi-1');
    await put(store, recordOf(referral));
    await put(store, recordOf(declined(referral)));
    // The closing write has resolved; the move has not happened yet (it is queued behind it).
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 0 });
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect(await exists(path.join(dir, 'open', openFileName('rfi-1')))).to.equal(false);
    const segment = await readJson<{ records: ReferralRecord[] }>(path.join(dir, 'archive', 'segment-000001.json'));
    expect(segment.records.map((record) => [record.referral.id, record.referral.substatus])).to.deep.equal([['rfi-1', 'Declined']]);
    expect(store.openRecords()).to.deep.equal([]);
    expect(await store.has('rfi-1')).to.equal(true);
    expect((await store.get('rfi-1'))!.referral.substatus).to.equal('Declined');
  });

  it('finds archived referrals with get, has and list after a restart', async () => {
    store = await openStore(dir);
    const closedOne = declined(newReferral('rfi-closed', minutesAfterT0(1)));
    const stillOpen = newReferral('rfi-open', minutesAfterT0(2));
    await put(store, recordOf(closedOne));
    await put(store, recordOf(stillOpen));
    await store.close();

    store = await openStore(dir);
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 1 });
    expect(await store.has('rfi-closed')).to.equal(true);
    expect(await store.get('rfi-closed')).to.deep.equal(recordOf(closedOne));
    expect((await store.list()).map((referral) => referral.id)).to.deep.equal(['rfi-open', 'rfi-closed']);
    expect((await store.list({ status: 'Closed' })).map((referral) => referral.id)).to.deep.equal(['rfi-closed']);
    expect((await store.list({ substatus: 'Declined' })).map((referral) => referral.id)).to.deep.equal(['rfi-closed']);
    expect(await store.list({ status: 'New' })).to.deep.equal([stillOpen]);
  });

  it('keeps a closed referral open while its outbox has messages, and archives it once they are sent', async () => {
    store = await openStore(dir);
    const closed = declined(newReferral('rfi-1'));
    await put(store, recordOf(closed, [outboxItem('o-decline')]));
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 1, archived: 0 });
    expect(store.openRecords().map((record) => record.referral.id)).to.deep.equal(['rfi-1']);

    // The sender delivered the message: it empties the outbox.
    await store.commitCommand('rfi-1', (current) => ({
      record: { ...current!, outbox: [], card: { target: 'channel:sales', shownVersion: 2 } },
      result: undefined,
    }));
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect((await store.get('rfi-1'))!.card).to.deep.equal({ target: 'channel:sales', shownVersion: 2 });
  });

  it('treats archived records as read-only: a write is refused, a read through update() works', async () => {
    store = await openStore(dir);
    await put(store, recordOf(declined(newReferral('rfi-1'))));
    await store.whenIdle();
    const before = await snapshot(dir);

    const seen = await store.commitCommand('rfi-1', (current) => ({ result: `${current?.referral.status}/${current?.referral.substatus}` }));
    expect(seen).to.equal('Closed/Declined');
    const refused = await rejectionOf(
      store.commitCommand('rfi-1', (current) => ({ record: { ...current!, outbox: [outboxItem('late')] }, result: undefined })),
    );
    expect(refused.message).to.equal('referral rfi-1 is archived (closed); it cannot change');
    expect(await snapshot(dir)).to.deep.equal(before);
    expect((await store.get('rfi-1'))!.outbox).to.deep.equal([]);
  });

  it('archives the latest state when a write to the closed referral was queued before the move', async () => {
    store = await openStore(dir);
    const referral = newReferral('rfi-1');
    await put(store, recordOf(referral));
    const closing = put(store, recordOf(declined(referral)));
    // Queued before the move (which the closing write schedules): it lands, and the move then
    // archives the record with it, rather than an older copy.
    const late = store.commitCommand('rfi-1', (current) => ({ record: { ...current!, card: { target: 'channel:sales', shownVersion: 2 } }, result: 'late' }));
    await closing;
    expect(await late).to.equal('late');
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 1 });
    expect((await store.get('rfi-1'))!.card).to.deep.equal({ target: 'channel:sales', shownVersion: 2 });
    await store.close();
    store = await openStore(dir);
    expect((await store.get('rfi-1'))!.card).to.deep.equal({ target: 'channel:sales', shownVersion: 2 });
  });

  it('fills segments up to segmentSize, so one archive write stays bounded', async () => {
    store = await openStore(dir, { segmentSize: 3, cachedSegments: 2 });
    const ids = Array.from({ length: 10 }, (_, n) => `rfi-${n}`);
    for (const [n, id] of ids.entries()) {
      await put(store, recordOf(declined(newReferral(id, minutesAfterT0(n)))));
      await store.whenIdle();
    }
    const segments = (await segmentFiles(dir)).sort();
    expect(segments).to.deep.equal(['segment-000001.json', 'segment-000002.json', 'segment-000003.json', 'segment-000004.json']);
    const sizes = await Promise.all(segments.map(async (name) => (await readJson<{ records: unknown[] }>(path.join(dir, 'archive', name))).records.length));
    expect(sizes).to.deep.equal([3, 3, 3, 1]);
    await store.close();

    store = await openStore(dir, { segmentSize: 3, cachedSegments: 2 });
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 10 });
    for (const id of ids) expect((await store.get(id))!.referral.id).to.equal(id);
    // Reading the whole archive kept at most `cachedSegments` segments in memory.
    expect(store.archiveStats().cachedSegments.length).to.be.at.most(2);
    expect((await store.list()).map((referral) => referral.id)).to.deep.equal([...ids].reverse());
    // The next archived referral continues the last segment.
    await put(store, recordOf(declined(newReferral('rfi-10', minutesAfterT0(10)))));
    await store.whenIdle();
    expect((await readJson<{ records: unknown[] }>(path.join(dir, 'archive', 'segment-000004.json'))).records).to.have.length(2);
  });

  it('archives many referrals closed at once in few segment writes (group commit)', async () => {
    store = await openStore(dir, { segmentSize: 1000 });
    const referrals = Array.from({ length: 40 }, (_, n) => newReferral(`rfi-${n}`, minutesAfterT0(n)));
    await Promise.all(referrals.map((referral) => put(store, recordOf(referral))));
    await Promise.all(referrals.map((referral) => put(store, recordOf(declined(referral)))));
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 0, archived: 40 });
    expect(await segmentFiles(dir)).to.deep.equal(['segment-000001.json']);
    expect(await filesUnder(path.join(dir, 'open'))).to.deep.equal([]);
  });

  it('lists newest receipt first across open and archived referrals, filtered by status and substatus', async () => {
    store = await openStore(dir, { segmentSize: 2 });
    const a = newReferral('a', minutesAfterT0(1));
    const b = accepted(newReferral('b', minutesAfterT0(2)));
    const c = won(accepted(newReferral('c', minutesAfterT0(3))));
    const d = declined(newReferral('d', minutesAfterT0(4)));
    const e = newReferral('e', minutesAfterT0(5));
    for (const referral of [c, a, e, d, b]) await put(store, recordOf(referral));
    await store.whenIdle();
    expect(await store.stats()).to.deep.equal({ open: 3, archived: 2 });
    const ids = async (filter?: Parameters<LowdbStore['list']>[0]) => (await store.list(filter)).map((referral) => referral.id);
    expect(await ids()).to.deep.equal(['e', 'd', 'c', 'b', 'a']);
    expect(await ids({ status: 'New' })).to.deep.equal(['e', 'a']);
    expect(await ids({ status: 'Active' })).to.deep.equal(['b']);
    expect(await ids({ status: 'Closed' })).to.deep.equal(['d', 'c']);
    expect(await ids({ status: 'Closed', substatus: 'Won' })).to.deep.equal(['c']);
    expect(await ids({ substatus: 'Pending' })).to.deep.equal(['e', 'a']);
    expect(await ids({ status: 'New', substatus: 'Won' })).to.deep.equal([]);
  });

  describe('seed()', () => {
    it('bulk-loads open records as files and closed ones into full segments, ready after a restart', async function () {
      this.timeout(20_000);
      store = await openStore(dir, { segmentSize: 1000 });
      const closed = Array.from({ length: 2500 }, (_, n) => recordOf(declined(newReferral(`old-${n}`, minutesAfterT0(n)))));
      const open = Array.from({ length: 20 }, (_, n) => recordOf(newReferral(`new-${n}`, minutesAfterT0(5000 + n))));
      await store.importRecords([...closed, ...open]);
      expect(await store.stats()).to.deep.equal({ open: 20, archived: 2500 });
      expect(await segmentFiles(dir)).to.deep.equal(['segment-000001.json', 'segment-000002.json', 'segment-000003.json']);
      expect(await filesUnder(path.join(dir, 'open'))).to.have.length(20);
      await store.close();

      store = await openStore(dir, { segmentSize: 1000 });
      expect(await store.stats()).to.deep.equal({ open: 20, archived: 2500 });
      expect(await store.get('old-1234')).to.deep.equal(closed[1234]);
      expect((await store.list({ status: 'New' })).map((referral) => referral.id)).to.deep.equal(open.map((record) => record.referral.id).reverse());
      expect((await store.list({ status: 'Closed' })).length).to.equal(2500);

      // The hot path does not touch the archive: updating an open referral leaves every segment as it was.
      const segmentsBefore = await snapshot(path.join(dir, 'archive'));
      await store.commitCommand('new-3', (current) => ({ record: { ...current!, outbox: [outboxItem('o-1')] }, result: undefined }));
      expect(await snapshot(path.join(dir, 'archive'))).to.deep.equal(segmentsBefore);
    });

    it('refuses ids that are already stored or repeated, writing nothing', async () => {
      store = await openStore(dir);
      await put(store, recordOf(newReferral('rfi-1')));
      const before = await snapshot(dir);
      expect((await rejectionOf(store.importRecords([recordOf(newReferral('rfi-1'))]))).message).to.match(/rfi-1 is already stored/);
      expect((await rejectionOf(store.importRecords([recordOf(newReferral('x')), recordOf(newReferral('x'))]))).message).to.match(/x is already stored/);
      expect(await snapshot(dir)).to.deep.equal(before);
    });
  });
});
