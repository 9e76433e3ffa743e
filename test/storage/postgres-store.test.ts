// The PostgreSQL store across instances (docs/architecture.md#storage): two PgStores on one
// database stand for two instances of the bot. One winner of two accepts through the real
// applyCommand, no lost update, each instance sees what the other wrote, migrations once under
// their lock, an append-only history, and start-up errors that name DATABASE_URL without the password.

import { expect } from 'chai';
import { createPlanner } from '../../bot/outbox/planner.js';
import { applyCommand, type CommandDeps } from '../../bot/use-cases/apply-command.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { openStore, StoreOpenError } from '../../storage/create-store.js';
import { PgStore } from '../../storage/postgres/pg-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { createTestDatabase, dropTestDatabase, SKIP_REASON, sql, TEST_DATABASE_URL } from '../support/postgres.js';
import { waitFor } from '../support/wait-for.js';
import { channelTarget } from '../support/outbox.js';
import { accepted, newReferral, recordOf, T0 } from '../support/records.js';
import { rejectionOf } from '../support/store-harness.js';
import { UTC_DISPLAY } from '../../cards/display.js';

const SELLERS = [
  { id: 'aad-anna', name: 'Anna' },
  { id: 'aad-ben', name: 'Ben' },
];

describe('storage: PostgreSQL across instances', () => {
  if (TEST_DATABASE_URL === '') {
    it(SKIP_REASON);
    return;
  }
  let url: string;
  let stores: PgStore[];
  const open = async () => {
    const store = new PgStore({ connectionString: url, log: () => undefined });
    await store.open();
    stores.push(store);
    return store;
  };
  beforeEach(async () => {
    url = await createTestDatabase();
    stores = [];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await dropTestDatabase(url);
  });

  it('two instances start at once: the schema is migrated once, and both are ready', async () => {
    await Promise.all([open(), open()]);
    const rows = await sql<{ version: number }>(url, 'SELECT version FROM schema_migrations');
    expect(rows.map((row) => row.version)).to.deep.equal([1]);
  });

  it('two accepts on two instances: exactly one winner, the other told who took it', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const deps = (store: PgStore): CommandDeps => ({
      store,
      policy: DEFAULT_POLICY,
      clock: () => new Date(T0.getTime() + 60_000),
      plan: createPlanner(store),
      display: UTC_DISPLAY,
    });
    for (let round = 0; round < 5; round++) {
      const id = `rfi-race-${round}`;
      await a.commitCommand(id, () => ({ record: recordOf(newReferral(id)), result: undefined }));
      const results = await Promise.all(
        [a, b].map((store, index) =>
          applyCommand(deps(store), id, { type: 'accept', actor: SELLERS[index]!, fields: { dealValue: 1000, currency: 'EUR' }, contacts: [] }),
        ),
      );
      expect(
        results.filter((result) => result.ok),
        `round ${round}`,
      ).to.have.length(1);
      const loser = results.find((result) => !result.ok);
      expect(loser && !loser.ok && loser.record?.referral.owner?.id).to.be.oneOf(SELLERS.map((seller) => seller.id));
      const stored = await sql<{ record: ReferralRecord }>(url, 'SELECT record FROM referrals WHERE id = $1', [id]);
      expect(stored[0]!.record.referral.history.filter((event) => event.type === 'accepted')).to.have.length(1);
    }
  });

  it('no update is lost when two instances increment one referral 40 times each', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    await a.commitCommand('rfi-1', () => ({
      record: { ...recordOf(newReferral('rfi-1')), card: { target: 'channel:sales', shownVersion: 0 } },
      result: undefined,
    }));
    const increment = (store: PgStore) =>
      store.commitCommand('rfi-1', (current) => {
        const record = current!;
        record.card!.shownVersion! += 1;
        return { record, result: undefined };
      });
    await Promise.all(Array.from({ length: 80 }, (_, n) => increment(n % 2 === 0 ? a : b)));
    const rows = await sql<{ record: ReferralRecord }>(url, 'SELECT record FROM referrals WHERE id = $1', ['rfi-1']);
    expect(rows[0]!.record.card!.shownVersion).to.equal(80);
  });

  it('what one instance writes reaches the other: its open work, its listeners and the bot-wide state', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    const heard: string[] = [];
    b.onChange((record) => heard.push(`${record.referral.id}@${record.referral.version}`));
    const record = recordOf(newReferral('rfi-1'));
    await a.commitCommand('rfi-1', () => ({ record, result: undefined }));
    await waitFor('b sees rfi-1', () => b.openRecords().length === 1);
    expect(await b.get('rfi-1')).to.deep.equal(record);
    await a.commitCommand('rfi-1', () => ({ record: recordOf(accepted(record.referral)), result: undefined }));
    // A read by id does not wait for the notice: it sees the accept at once.
    expect((await b.get('rfi-1'))!.referral.status).to.equal('Active');
    await waitFor('b hears the accept', () => heard.length === 2);
    expect(heard).to.deep.equal(['rfi-1@1', 'rfi-1@2']);
    expect(b.openRecords()[0]!.referral.status).to.equal('Active');
    await a.updateState((state) => ({
      state: { ...state, conversations: { 'channel:sales': channelTarget('https://smba.trafficmanager.net/emea/', 'sales', 'Sales') } },
      result: undefined,
    }));
    await waitFor('b reads the new state', () => 'channel:sales' in b.readState().conversations);
  });

  it('keeps the history append-only: one row per event, and the database refuses to change one', async () => {
    const store = await open();
    const referral = newReferral('rfi-1');
    await store.commitCommand('rfi-1', () => ({ record: recordOf(referral), result: undefined }));
    await store.commitCommand('rfi-1', () => ({ record: recordOf(accepted(referral)), result: undefined }));
    const rows = await sql<{ index: number; event: { type: string } }>(url, 'SELECT index, event FROM referral_history WHERE referral_id = $1 ORDER BY index', [
      'rfi-1',
    ]);
    expect(rows.map((row) => [row.index, row.event.type])).to.deep.equal(accepted(referral).history.map((event, index) => [index, event.type]));
    const refused = await rejectionOf(sql(url, "UPDATE referral_history SET event = '{}' WHERE referral_id = 'rfi-1'"));
    expect(refused.message).to.match(/append-only/);
  });

  it('refuses to start on a schema newer than it knows, naming DATABASE_URL', async () => {
    await (await open()).close();
    await sql(url, "INSERT INTO schema_migrations (version, name) VALUES (99, 'from a newer build')");
    const error = await rejectionOf(openStore({ dataDir: '/nonexistent', databaseUrl: url }));
    expect(error).to.be.instanceOf(StoreOpenError);
    expect(error.message).to.match(/^DATABASE_URL \(postgres:\/\/.*\) cannot be used: the database schema is at version 99, newer than this build knows \(1\)/);
  });

  describe('bad configuration stops start-up with the cause, password redacted', () => {
    const password = () => new URL(TEST_DATABASE_URL).password;
    const variant = (change: (target: URL) => void) => {
      const target = new URL(url);
      change(target);
      return target.toString();
    };
    const failure = async (databaseUrl: string) => {
      const error = await rejectionOf(openStore({ dataDir: '/nonexistent', databaseUrl }));
      expect(error).to.be.instanceOf(StoreOpenError);
      expect(error.message).to.match(/^DATABASE_URL \(/);
      if (password()) expect(error.message).not.to.include(password());
      return error.message;
    };

    it('unreachable host', async () => {
      // A port nothing listens on (the server's own port minus one is as good as any closed port here).
      const message = await failure(variant((target) => (target.port = '1')));
      expect(message).to.include('connection refused');
    });

    it('wrong password', async function () {
      if (!password()) this.skip();
      const message = await failure(variant((target) => (target.password = 'not-the-password')));
      expect(message).to.include('refused the user name or password');
      expect(message).to.include('***');
    });

    it('wrong password given as a query parameter (?password=), as node-postgres also takes it', async function () {
      if (!password()) this.skip();
      const message = await failure(
        variant((target) => {
          target.password = '';
          target.searchParams.set('password', 'query-form-secret');
        }),
      );
      expect(message).to.include('refused the user name or password');
      expect(message).not.to.include('query-form-secret');
    });

    it('a database that does not exist', async () => {
      const message = await failure(variant((target) => (target.pathname = '/no_such_database')));
      expect(message).to.include('does not exist');
    });

    it('a user without permission to create the tables', async () => {
      await sql(url, "CREATE ROLE referral_desk_reader LOGIN PASSWORD 'reader-secret'").catch(() => undefined);
      const message = await failure(
        variant((target) => {
          target.username = 'referral_desk_reader';
          target.password = 'reader-secret';
        }),
      );
      expect(message).to.include('lacks the permissions');
      expect(message).not.to.include('reader-secret');
    });
  });
});
