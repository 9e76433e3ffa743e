// A burst of RFIs against a fake connector that enforces Teams' limits (on a 20× faster clock):
// every card is posted once, in intake order per channel, without a single 429; a restart in the
// middle of the burst loses and duplicates nothing.

import { expect } from 'chai';
import type { FakeConnector } from '../support/fake-connector.js';
import { removeDir, tempDataDir, type TestService } from '../support/start-service.js';
import { request } from '../support/intake-client.js';
import {
  CHANNELS,
  channelTarget,
  counts,
  outboxEmpty,
  postedReferralIds,
  recordOf,
  rfiFrom,
  route,
  seed,
  startLimitedFake,
  startTestService,
  takeIn,
  waitUntil,
} from './outbox-support.js';

const SCALE = 0.05; // 60 per 30 s → 60 per 1.5 s

describe('outbox: a burst of RFIs (component, scaled Teams limits)', function () {
  this.timeout(40_000);
  let fake: FakeConnector;
  let app: TestService | undefined;
  let dataDir: string;

  beforeEach(async () => {
    fake = await startLimitedFake(SCALE);
    dataDir = await tempDataDir();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await fake.close();
    await removeDir(dataDir);
  });

  async function startWithChannels(): Promise<TestService> {
    const service = await startTestService(dataDir, SCALE);
    await seed(
      service,
      [channelTarget(fake.url, CHANNELS.general, 'General'), channelTarget(fake.url, CHANNELS.emea, 'EMEA'), channelTarget(fake.url, CHANNELS.apac, 'APAC')],
      [route(CHANNELS.general), route(CHANNELS.emea, { country: ['DE', 'FR'] }), route(CHANNELS.apac, { country: ['JP'] })],
    );
    return service;
  }

  it('posts 300 cards over three channels once each, in intake order per channel, with no 429', async () => {
    app = await startWithChannels();
    const countries = ['DE', 'JP', 'US'];
    const rfis = Array.from({ length: 300 }, (_, i) => rfiFrom(`burst-${String(i).padStart(3, '0')}`, countries[i % 3]!));
    const started = Date.now();
    await takeIn(app, rfis);
    // A bot-level message queued in the state goes out too (wake() skips the rescan wait).
    await app.store.updateState((state) => ({
      state: { ...state, outbox: [...state.outbox, { id: 'welcome-1', kind: 'channelMessage', target: `channel:${CHANNELS.apac}`, message: { key: 'welcome' }, createdAt: new Date().toISOString(), attempts: 0, state: 'pending' }] },
      result: undefined,
    }));
    app.sender.wake();
    await waitUntil('all 300 cards posted', () => fake.posts().length >= 301 && outboxEmpty(app!), 30_000);
    const elapsed = Date.now() - started;

    const expected = (country: string) => rfis.filter((rfi) => (rfi['customerProfile'] as any).address.country === country).map((rfi) => rfi['id']);
    expect(postedReferralIds(fake, CHANNELS.emea)).to.deep.equal(expected('DE'));
    expect(postedReferralIds(fake, CHANNELS.apac)).to.deep.equal(expected('JP'));
    expect(postedReferralIds(fake, CHANNELS.general)).to.deep.equal(expected('US'));
    expect(fake.throttledCount, 'no 429 while the limits are respected').to.equal(0);
    expect(fake.posts().filter((post) => post.conversationId === CHANNELS.apac && !post.body?.attachments?.[0]?.content?.actions)).to.have.length.greaterThan(0);

    // Every record knows its card's activity id and the version it shows.
    for (const rfi of rfis.slice(0, 30)) {
      const record = await recordOf(app, rfi['id'] as string);
      expect(record.card?.activityId, `${rfi['id']}`).to.be.a('string');
      expect(record.card?.shownVersion).to.equal(record.referral.version);
    }
    const health = await request(`${app.url}/healthz`);
    expect(health.body.outbox).to.deep.include({ pending: 0, failed: 0, oldestPendingAgeMs: null });
    // 100 per channel at 60 per 1.5 s: the channels run in parallel, so about 2 windows.
    expect(elapsed).to.be.below(15_000);
  });

  it('a restart in the middle of the burst loses and duplicates nothing', async () => {
    app = await startWithChannels();
    const rfis = Array.from({ length: 200 }, (_, i) => rfiFrom(`restart-${String(i).padStart(3, '0')}`, 'DE'));
    await takeIn(app, rfis);
    await waitUntil('a third of the cards posted', () => fake.posts().length >= 70, 15_000);
    await app.stop();
    const beforeRestart = fake.posts().length;
    expect(beforeRestart).to.be.below(200);
    app = await startTestService(dataDir, SCALE);
    await waitUntil('every card posted', () => fake.posts().length >= 200 && outboxEmpty(app!), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more comes
    console.log(`      (restart test: ${beforeRestart} posted before the restart, ${fake.throttledCount} 429s after it)`);

    const posted = postedReferralIds(fake, CHANNELS.emea);
    const duplicates = [...counts(posted)].filter(([, n]) => n > 1);
    expect(duplicates, 'duplicates').to.deep.equal([]);
    expect(posted, 'every RFI once, in intake order').to.deep.equal(rfis.map((rfi) => rfi['id']));
    for (const rfi of rfis) {
      const record = await recordOf(app, rfi['id'] as string);
      expect(record.card?.activityId, rfi['id'] as string).to.be.a('string');
    }
  });
});
