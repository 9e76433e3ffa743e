// `npm run store -- copy --from <DATA_DIR> --to <DATABASE_URL>`: an embedded store moves into
// PostgreSQL with every referral (open and archived), route and conversation; a second run copies
// nothing twice; the service then starts on the database and finds them all.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { fakeClock } from '../support/fake-clock.js';
import { getReferral } from '../support/intake-client.js';
import { waitFor } from '../support/wait-for.js';
import { createLogger } from '../../bot/logger.js';
import { createTestDatabase, dropTestDatabase, SKIP_REASON, sql, TEST_DATABASE_URL } from '../support/postgres.js';
import { removeDir, ROOT, startService, tempDataDir } from '../support/start-service.js';
import { CHANNELS, channelTarget, route } from '../support/outbox.js';
import { accepted, declined, minutesAfterT0, newReferral, recordOf } from '../support/records.js';

const run = promisify(execFile);

function storeCommand(...args: string[]) {
  return run(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/store.ts', ...args], { cwd: ROOT }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: `${error.stdout}${error.stderr}` }),
  );
}

/** An embedded store in `dataDir` holding `records`, closed again (as a bot that stopped leaves it). */
async function embeddedStoreWith(dataDir: string, ...records: ReferralRecord[]): Promise<void> {
  const embedded = new LowdbStore({ dataDir });
  await embedded.open();
  for (const record of records) await embedded.commitCommand(record.referral.id, () => ({ record, result: undefined }));
  await embedded.close();
}

describe('store copy: embedded → PostgreSQL (component)', function () {
  this.timeout(60_000);
  if (TEST_DATABASE_URL === '') {
    it(SKIP_REASON);
    return;
  }
  let dataDir: string;
  let databaseUrl: string;
  afterEach(async () => {
    await removeDir(dataDir);
    await dropTestDatabase(databaseUrl);
  });

  it('copies every referral, route and conversation, verifies them, and a second run copies nothing twice', async () => {
    dataDir = await tempDataDir();
    databaseUrl = await createTestDatabase();
    const emea = channelTarget('https://smba.trafficmanager.net/emea/', CHANNELS.emea, 'EMEA');
    const deRoute = route(CHANNELS.emea, { country: ['DE'] });
    const embedded = new LowdbStore({ dataDir });
    await embedded.open();
    const records = [
      recordOf(newReferral('copy-open', minutesAfterT0(1))),
      recordOf(accepted(newReferral('copy-active', minutesAfterT0(2)))),
      recordOf(declined(newReferral('copy-closed', minutesAfterT0(3)))),
    ];
    for (const record of records) await embedded.commitCommand(record.referral.id, () => ({ record, result: undefined }));
    await embedded.updateState((state) => ({
      // A channel and its route as the bot keeps them after "subscribe country=DE".
      state: { ...state, conversations: { [emea.key]: emea }, routes: [deRoute] },
      result: undefined,
    }));
    await embedded.close();

    const first = await storeCommand('copy', '--from', dataDir, '--to', databaseUrl);
    expect(first.code, first.stdout).to.equal(0);
    expect(first.stdout).to.include('referrals: 3 (2 open, 1 closed)');
    expect(first.stdout).to.include('copied now: 3, already there: 0, conflicts: 0');
    expect(first.stdout).to.include('bot-wide state (1 conversations, 1 routes): copied');
    expect(first.stdout).to.include('verified: 3 of 3');
    const password = new URL(TEST_DATABASE_URL).password;
    if (password) expect(first.stdout).not.to.include(password);

    const again = await storeCommand('copy', '--from', dataDir, '--to', databaseUrl);
    expect(again.code, again.stdout).to.equal(0);
    expect(again.stdout).to.include('copied now: 0, already there: 3, conflicts: 0');
    expect(again.stdout).to.include('routes): already there');
    const rows = await sql<{ count: string }>(databaseUrl, 'SELECT count(*) FROM referrals');
    expect(rows[0]!.count).to.equal('3');

    // On the referrals' own day: on today's clock the open one would expire under the test's eyes.
    const service = await startService({ DATABASE_URL: databaseUrl }, { clock: fakeClock(minutesAfterT0(10)) });
    try {
      for (const record of records) expect((await getReferral(service.url, record.referral.id)).body).to.include({ version: record.referral.version });
      expect(service.store.readState().routes).to.deep.equal([deRoute]);
      expect(service.store.readState().conversations).to.have.keys(emea.key);
    } finally {
      await service.stop();
      await removeDir(service.dataDir);
    }
  });

  it('referrals copied into a database a running bot uses get their timers there at once, without a restart', async () => {
    dataDir = await tempDataDir();
    databaseUrl = await createTestDatabase();
    // A lone instance leads from its start. Two days after the referral came in: its first reminder
    // is due as soon as the leader knows of it.
    const service = await startService({ DATABASE_URL: databaseUrl }, { clock: fakeClock(minutesAfterT0(2 * 24 * 60)) });
    try {
      const record = recordOf(newReferral('copied-late', minutesAfterT0(1)));
      await embeddedStoreWith(dataDir, record);

      const copy = await storeCommand('copy', '--from', dataDir, '--to', databaseUrl);
      expect(copy.code, copy.stdout).to.equal(0);
      const reminded = await waitFor("the running leader fires the copied referral's reminder", async () => {
        const body = (await getReferral(service.url, 'copied-late')).body as { version: number; history: { type: string }[] };
        return body.version > record.referral.version && body;
      });
      expect(reminded.history.map((event) => event.type)).to.include('reminded');
    } finally {
      await service.stop();
      await removeDir(service.dataDir);
    }
  });

  it('a bot started on the database warns while DATA_DIR holds referrals never copied, and not after the copy', async () => {
    dataDir = await tempDataDir();
    databaseUrl = await createTestDatabase();
    await embeddedStoreWith(dataDir, recordOf(newReferral('left-behind', minutesAfterT0(1))));
    const startOn = async () => {
      const lines: string[] = [];
      const service = await startService({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir }, { log: createLogger('info', (line) => lines.push(line)) });
      await service.stop();
      return lines;
    };
    const before = await startOn();
    expect(before.find((line) => line.includes('"listening"'))).to.include('"store":"postgres"');
    expect(before.find((line) => line.includes('never copied'))).to.include(`DATA_DIR (${dataDir}) holds 1 referral files`);

    const copy = await storeCommand('copy', '--from', dataDir, '--to', databaseUrl);
    expect(copy.code, copy.stdout).to.equal(0);
    expect((await startOn()).filter((line) => line.includes('never copied'))).to.deep.equal([]);
  });

  it('refuses a usage error with the usage line, and a source that is no store', async () => {
    dataDir = await tempDataDir();
    databaseUrl = await createTestDatabase();
    const usage = await storeCommand('copy', '--from', dataDir);
    expect(usage.code).to.equal(2);
    expect(usage.stdout).to.include('--to is missing');
    const empty = await storeCommand('copy', '--from', dataDir, '--to', databaseUrl);
    expect(empty.code).to.equal(2);
    expect(empty.stdout).to.include('holds no embedded store');
  });
});
