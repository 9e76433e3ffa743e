// An assignee's window across a crash (docs/architecture.md#assignment): the service killed -9 in
// the middle of a window moves the referral on once after it starts again; on PostgreSQL, the
// instance that leads is killed -9 and the next leader moves it on, once. Child processes, the fake
// Teams connector answering the team's roster.

import { expect } from 'chai';
import { sendActivity } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral, postReferral, request, sampleRfi } from '../support/intake-client.js';
import { createTestDatabase, dropTestDatabase, TEST_DATABASE_URL } from '../support/postgres.js';
import { removeDir, startChildService, tempDataDir, type ChildService } from '../support/start-service.js';
import { channelMention, fixture, fixtureConnectorOptions, installationUpdate } from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const { anna, bruno, maria } = fixture.users;
const EMEA = fixture.team.emea;
const WINDOW = { ASSIGN_RESPOND_WITHIN: 'PT6S', SCHEDULER_FAILOVER: 'PT3S' };

type HistoryEvent = { type: string; assignee?: { id: string } };

describe('assignment pools across a crash (component, child processes)', function () {
  this.timeout(120_000);
  let fake: FakeConnector;
  const services: ChildService[] = [];
  const dirs: string[] = [];
  let databaseUrl = '';

  afterEach(async () => {
    for (const service of services.splice(0)) {
      if (service.child.exitCode === null && service.child.signalCode === null) {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
    for (const dir of dirs.splice(0)) await removeDir(dir);
    await fake?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    databaseUrl = '';
  });

  async function start(env: Record<string, string>): Promise<ChildService> {
    const service = await startChildService({ ...WINDOW, ...env });
    services.push(service);
    return service;
  }

  /** Installs the bot, subscribes EMEA and sets its pool to Anna and Bruno (through `url`). */
  async function setUp(url: string): Promise<void> {
    await sendActivity(url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: maria }));
    const before = fake.requests.length;
    await sendActivity(url, channelMention('assign', { serviceUrl: fake.url, channel: EMEA, from: maria, mentions: [anna, bruno] }));
    await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && /Anna Schmidt/.test(String(r.body?.text ?? ''))));
  }

  async function history(url: string, id: string): Promise<HistoryEvent[]> {
    return ((await getReferral(url, id)).body?.history ?? []) as HistoryEvent[];
  }

  const count = (events: HistoryEvent[], type: string) => events.filter((event) => event.type === type).length;

  /** The referral was assigned to Anna; resolves with its history then. */
  async function assignedToAnna(url: string, id: string): Promise<void> {
    await waitFor(
      `${id} assigned to Anna`,
      async () => (await history(url, id)).some((event) => event.type === 'assigned' && event.assignee?.id === anna.aadObjectId),
      20_000,
    );
  }

  /** The thread replies that say the referral moved on. */
  const movedReplies = () => fake.replies().filter((reply) => JSON.stringify(reply.body).includes(`Passed to ${bruno.name}`));

  it('embedded store: killed -9 in the middle of a window, started again: the referral moves on once', async () => {
    fake = await startFakeConnector(fixtureConnectorOptions());
    const dataDir = await tempDataDir();
    dirs.push(dataDir);
    const first = await start({ DATA_DIR: dataDir });
    await setUp(first.url);
    expect((await postReferral(first.url, sampleRfi('crash-window'))).status).to.equal(201);
    await assignedToAnna(first.url, 'crash-window');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await start({ DATA_DIR: dataDir });
    await waitFor('the move to Bruno', async () => count(await history(second.url, 'crash-window'), 'assignmentTimedOut') === 1, 30_000);
    await waitFor('the outbox empty', async () => (await request(`${second.url}/healthz`)).body?.outbox?.pending === 0, 30_000);
    const events = await history(second.url, 'crash-window');
    expect(count(events, 'assigned')).to.equal(2);
    expect(count(events, 'assignmentTimedOut')).to.equal(1);
    expect(movedReplies()).to.have.length(1);
  });

  it('PostgreSQL: the leader killed -9 in the middle of a window: the next leader moves the referral on once', async function () {
    if (TEST_DATABASE_URL === '') this.skip();
    databaseUrl = await createTestDatabase();
    fake = await startFakeConnector(fixtureConnectorOptions());
    const instances: ChildService[] = [];
    for (let n = 0; n < 2; n++) {
      const dataDir = await tempDataDir();
      dirs.push(dataDir);
      instances.push(await start({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }));
    }
    const leaderOf = () =>
      waitFor(
        'a leader',
        async () => {
          for (const instance of instances) {
            if (instance.child.exitCode !== null || instance.child.signalCode !== null) continue;
            if ((await request(`${instance.url}/healthz`)).body?.scheduler?.leader === true) return instance;
          }
          return undefined;
        },
        20_000,
      );
    const leader = await leaderOf();
    const follower = instances.find((instance) => instance !== leader)!;
    // Set up and take the referral in through the instance that does not lead: the leader assigns it.
    await setUp(follower.url);
    expect((await postReferral(follower.url, sampleRfi('failover-window'))).status).to.equal(201);
    await assignedToAnna(follower.url, 'failover-window');
    leader.child.kill('SIGKILL');
    await leader.exited;
    expect(await leaderOf()).to.equal(follower);

    await waitFor('the move to Bruno', async () => count(await history(follower.url, 'failover-window'), 'assignmentTimedOut') === 1, 30_000);
    await waitFor('the outbox empty', async () => (await request(`${follower.url}/healthz`)).body?.outbox?.pending === 0, 30_000);
    const events = await history(follower.url, 'failover-window');
    expect(count(events, 'assigned')).to.equal(2);
    expect(count(events, 'assignmentTimedOut')).to.equal(1);
    expect(movedReplies()).to.have.length(1);
  });
});
