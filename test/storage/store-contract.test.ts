// The Store contract, proven on both stores (docs/architecture.md#storage): what the bot relies on
// from persistence, whichever is configured. The embedded store's file layout and crash repair have
// their own tests (lowdb-store, archive, crash-recovery); the PostgreSQL store's cross-instance
// behaviour is in postgres-store.test.ts.

import { expect } from 'chai';
import { LowdbStore } from '../../storage/lowdb-store.js';
import { PgStore } from '../../storage/postgres/pg-store.js';
import type { ReferralRecord, Store } from '../../storage/store.js';
import { createTestDatabase, dropTestDatabase, SKIP_REASON, TEST_DATABASE_URL } from '../support/postgres.js';
import { channelTarget } from '../support/outbox.js';
import { defaultBotState } from '../../storage/bot-state.js';
import { accepted, declined, makeTempDir, minutesAfterT0, newReferral, outboxItem, recordOf, removeDir } from '../support/records.js';
import { rejectionOf } from '../support/store-harness.js';
import { waitFor } from '../support/wait-for.js';

interface Place {
  /** A store on this place (the same data each time: a restart). */
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

const KINDS: { name: string; available: boolean; place(): Promise<Place> }[] = [
  {
    name: 'embedded (lowdb)',
    available: true,
    async place() {
      const dir = await makeTempDir();
      return {
        open: async () => {
          const store = new LowdbStore({ dataDir: dir, log: () => undefined });
          await store.open();
          return store;
        },
        dispose: () => removeDir(dir),
      };
    },
  },
  {
    name: 'PostgreSQL',
    available: TEST_DATABASE_URL !== '',
    async place() {
      const url = await createTestDatabase();
      return {
        open: async () => {
          const store = new PgStore({ connectionString: url, log: () => undefined });
          await store.open();
          return store;
        },
        dispose: () => dropTestDatabase(url),
      };
    },
  },
];

const put = (store: Store, record: ReferralRecord) => store.commitCommand(record.referral.id, () => ({ record, result: undefined }));

/** Closed, nothing left to send: the store may archive it (off the hot path) once written. */
async function untilArchived(store: Store, count: number): Promise<void> {
  await waitFor(`${count} archived`, async () => (await store.stats()).archived >= count, 5_000);
}

for (const kind of KINDS) {
  describe(`storage contract: ${kind.name}`, () => {
    if (!kind.available) {
      it(SKIP_REASON);
      return;
    }
    let place: Place;
    let store: Store;
    beforeEach(async () => {
      place = await kind.place();
      store = await place.open();
    });
    afterEach(async () => {
      await store.close();
      await place.dispose();
    });

    it('starts empty with the default bot-wide state', async () => {
      expect(await store.stats()).to.deep.equal({ open: 0, archived: 0 });
      expect(store.readState()).to.deep.equal(defaultBotState());
      expect(await store.get('nope')).to.equal(undefined);
      expect((await store.get('nope')) !== undefined).to.equal(false);
    });

    it('round-trips a record: get, has, openRecords, list', async () => {
      const record = recordOf(newReferral('rfi-1'), [outboxItem('o-1', 'postCard')]);
      await put(store, record);
      expect((await store.get('rfi-1')) !== undefined).to.equal(true);
      expect(await store.get('rfi-1')).to.deep.equal(record);
      expect(store.openRecords()).to.deep.equal([record]);
      expect(await store.list()).to.deep.equal([record.referral]);
    });

    it('keeps every record and the state across a restart', async () => {
      const one = recordOf(newReferral('rfi-1'));
      const two = { ...recordOf(accepted(newReferral('rfi-2'))), card: { target: 'channel:sales', activityId: 'act-2', shownVersion: 2 } };
      await put(store, one);
      await put(store, two);
      const sales = channelTarget('https://smba.trafficmanager.net/emea/', 'sales', 'Sales');
      await store.updateState((state) => ({ state: { ...state, conversations: { 'channel:sales': sales } }, result: undefined }));
      await store.close();
      store = await place.open();
      expect(await store.stats()).to.deep.equal({ open: 2, archived: 0 });
      expect(await store.get('rfi-1')).to.deep.equal(one);
      expect(await store.get('rfi-2')).to.deep.equal(two);
      expect(store.readState().conversations).to.deep.equal({ 'channel:sales': sales });
    });

    it('a delivery write changes the outbox and the card, never the referral', async () => {
      const record = { ...recordOf(newReferral('rfi-1'), [outboxItem('o-1', 'postCard')]), card: { target: 'channel:sales' } };
      await put(store, record);
      const forged = accepted(newReferral('rfi-1'));
      await store.updateDelivery('rfi-1', (current) => ({
        delivery: { ...current!, referral: forged, outbox: [], card: { target: 'channel:sales', activityId: 'act-1', shownVersion: 1 } } as never,
        result: undefined,
      }));
      const after = await store.get('rfi-1');
      expect(after?.referral).to.deep.equal(record.referral);
      expect(after?.outbox).to.deep.equal([]);
      expect(after?.card).to.deep.equal({ target: 'channel:sales', activityId: 'act-1', shownVersion: 1 });
      await store.updateDelivery('rfi-1', () => ({ delivery: { outbox: [outboxItem('o-2')] }, result: undefined }));
      expect((await store.get('rfi-1'))?.card, 'an omitted card stays where it is').to.deep.equal(after?.card);
      await store.updateDelivery('rfi-1', () => ({ delivery: { outbox: [], card: null }, result: undefined }));
      expect((await store.get('rfi-1'))?.card, 'card: null unroutes it').to.equal(undefined);
      const seen = await store.updateDelivery('nope', (current) => ({ delivery: { outbox: [outboxItem('o-3')] }, result: current }));
      expect(seen).to.equal(undefined);
      expect(await store.get('nope'), 'a delivery write creates no referral').to.equal(undefined);
    });

    it('loses no update when 100 increments on one id run concurrently', async () => {
      await put(store, { ...recordOf(newReferral('rfi-1')), card: { target: 'channel:sales', shownVersion: 0 } });
      const increments = Array.from({ length: 100 }, (_, n) =>
        store.commitCommand('rfi-1', async (current) => {
          await new Promise((resolve) => setImmediate(resolve));
          const record = current!;
          record.card!.shownVersion = (record.card!.shownVersion ?? 0) + 1;
          record.outbox.push(outboxItem(`o-${n}`));
          return { record, result: record.card!.shownVersion };
        }),
      );
      expect(await Promise.all(increments)).to.deep.equal(Array.from({ length: 100 }, (_, n) => n + 1));
      expect((await store.get('rfi-1'))!.outbox).to.have.length(100);
    });

    it('writes nothing when the change function throws or returns only a result, and calls no listener', async () => {
      const record = recordOf(newReferral('rfi-1'));
      await put(store, record);
      const seen: string[] = [];
      store.onChange((written) => seen.push(written.referral.id));
      const error = await rejectionOf(
        store.commitCommand('rfi-1', () => {
          throw new Error('decided against it');
        }),
      );
      expect(error.message).to.equal('decided against it');
      expect(await store.commitCommand('rfi-1', () => ({ result: 'nothing to write' }))).to.equal('nothing to write');
      expect(await store.get('rfi-1')).to.deep.equal(record);
      expect(seen).to.deep.equal([]);
      await put(store, recordOf(accepted(record.referral)));
      expect((await store.get('rfi-1'))!.referral.status).to.equal('Active');
      expect(seen).to.deep.equal(['rfi-1']);
    });

    it('refuses a record for another id or without an outbox, writing nothing', async () => {
      const wrongId = await rejectionOf(store.commitCommand('rfi-1', () => ({ record: recordOf(newReferral('rfi-2')), result: 1 })));
      expect(wrongId.message).to.match(/rfi-2.*not.*rfi-1/);
      const noOutbox = await rejectionOf(store.commitCommand('rfi-3', () => ({ record: { referral: newReferral('rfi-3') } as never, result: 1 })));
      expect(noOutbox.message).to.match(/outbox/);
      expect((await store.get('rfi-1')) !== undefined).to.equal(false);
      expect((await store.get('rfi-2')) !== undefined).to.equal(false);
      expect((await store.get('rfi-3')) !== undefined).to.equal(false);
    });

    it('hands the change function a private copy and out frozen records', async () => {
      await put(store, recordOf(newReferral('rfi-1')));
      await store.commitCommand('rfi-1', (current) => {
        current!.referral.customerProfile.name = 'changed but not written';
        return { result: undefined };
      });
      const read = await store.get('rfi-1');
      expect(read!.referral.customerProfile.name).to.equal('Contoso');
      expect(Object.isFrozen(read!.referral)).to.equal(true);
      expect(Object.isFrozen(store.openRecords()[0]!.referral)).to.equal(true);
    });

    it('calls listeners after the write, and survives a listener that throws', async () => {
      const seen: ReferralRecord[] = [];
      store.onChange(() => {
        throw new Error('a broken listener');
      });
      store.onChange((record) => seen.push(record));
      await put(store, recordOf(newReferral('rfi-1')));
      expect(seen.map((record) => record.referral.id)).to.deep.equal(['rfi-1']);
      expect(await store.get('rfi-1')).to.deep.equal(seen[0]);
    });

    it('bot-wide state: 50 concurrent increments all land; a throwing change writes nothing; readers get a copy', async () => {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.updateState((state) => ({
            state: { ...state, settings: { ...state.settings, [`channel:${Object.keys(state.settings).length}`]: {} } },
            result: undefined,
          })),
        ),
      );
      expect(Object.keys(store.readState().settings)).to.have.length(50);
      await rejectionOf(
        store.updateState(() => {
          throw new Error('no');
        }),
      );
      const copy = store.readState();
      copy.settings['channel:0'] = { locale: 'ru' };
      expect(store.readState().settings['channel:0']).to.deep.equal({});
      const bad = await rejectionOf(store.updateState((state) => ({ state: { ...state, routes: 'all' as never }, result: undefined })));
      expect(bad.message).to.match(/routes/);
    });

    it('a closed referral with nothing left to send is archived: still found after a restart, and read-only', async () => {
      const closed = recordOf(declined(newReferral('rfi-closed', minutesAfterT0(1))));
      await put(store, recordOf(newReferral('rfi-open', minutesAfterT0(2))));
      await put(store, closed);
      await untilArchived(store, 1);
      expect(await store.stats()).to.deep.equal({ open: 1, archived: 1 });
      expect(store.openRecords().map((record) => record.referral.id)).to.deep.equal(['rfi-open']);
      await store.close();
      store = await place.open();
      expect((await store.get('rfi-closed')) !== undefined).to.equal(true);
      expect(await store.get('rfi-closed')).to.deep.equal(closed);
      const refused = await rejectionOf(store.commitCommand('rfi-closed', (current) => ({ record: current!, result: undefined })));
      expect(refused.message).to.match(/archived/);
      expect(await store.commitCommand('rfi-closed', (current) => ({ result: current?.referral.status }))).to.equal('Closed');
    });

    it('importRecords (store copy): open and closed records land in one go, calling no listener; a known id refuses the whole batch', async () => {
      const heard: string[] = [];
      store.onChange((record) => heard.push(record.referral.id));
      const open = recordOf(accepted(newReferral('imp-open', minutesAfterT0(1))));
      const closed = recordOf(declined(newReferral('imp-closed', minutesAfterT0(2))));
      await store.importRecords([open, closed]);
      expect(heard, 'no listener for an import').to.deep.equal([]);
      expect(await store.stats()).to.deep.equal({ open: 1, archived: 1 });
      expect(store.openRecords().map((record) => record.referral.id)).to.deep.equal(['imp-open']);
      expect(await store.get('imp-closed')).to.deep.equal(closed);

      const again = await rejectionOf(store.importRecords([recordOf(newReferral('imp-new', minutesAfterT0(3))), open]));
      expect(again.message).to.include('imp-open').and.include('already stored');
      expect(await store.get('imp-new'), 'nothing of a refused batch is written').to.equal(undefined);
      await store.close();
      store = await place.open();
      expect(await store.stats()).to.deep.equal({ open: 1, archived: 1 });
      expect(await store.get('imp-open')).to.deep.equal(open);
    });

    it('lists newest receipt first across open and archived referrals, filtered by status, substatus and updatedSince', async () => {
      await put(store, recordOf(newReferral('a', minutesAfterT0(1))));
      await put(store, recordOf(declined(newReferral('b', minutesAfterT0(2)))));
      await put(store, recordOf(accepted(newReferral('c', minutesAfterT0(3)))));
      await untilArchived(store, 1);
      expect((await store.list()).map((referral) => referral.id)).to.deep.equal(['c', 'b', 'a']);
      expect((await store.list({ status: 'Closed' })).map((referral) => referral.id)).to.deep.equal(['b']);
      expect((await store.list({ status: 'Active', substatus: 'Accepted' })).map((referral) => referral.id)).to.deep.equal(['c']);
      expect((await store.listRecords({ updatedSince: minutesAfterT0(2.5).toISOString() })).map((record) => record.referral.id)).to.deep.equal(['c', 'b']);
      expect((await rejectionOf(store.list({ updatedSince: 'yesterday' }))).message).to.match(/not a date/);
    });

    it('close() waits for writes under way, then refuses new ones with a clear error', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = store.commitCommand('rfi-1', async () => {
        await gate;
        return { record: recordOf(newReferral('rfi-1')), result: 'written' };
      });
      const closed = store.close();
      expect((await rejectionOf(put(store, recordOf(newReferral('rfi-2'))))).message).to.match(/closed/);
      release();
      expect(await slow).to.equal('written');
      await closed;
      store = await place.open();
      expect((await store.get('rfi-1')) !== undefined).to.equal(true);
    });
  });
}
