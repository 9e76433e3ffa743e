// A burst of RFIs against a fake connector that enforces Teams' limits (on a 20× faster clock):
// every card is posted once, in intake order per channel, without a single 429; a restart in the
// middle of the burst loses and duplicates nothing.

import { expect } from 'chai';
import type { TestService } from '../../support/start-service.js';
import { request } from '../../support/intake-client.js';
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
  startTestService,
  takeIn,
  useOutboxRig,
} from '../../support/outbox.js';
import { waitFor } from '../../support/wait-for.js';

const SCALE = 0.05; // 60 per 30 s → 60 per 1.5 s

describe('outbox: a burst of RFIs (component, scaled Teams limits)', function () {
  this.timeout(40_000);
  const rig = useOutboxRig(SCALE);

  async function startWithChannels(): Promise<TestService> {
    const service = await startTestService(rig.dataDir, SCALE);
    await seed(
      service,
      [
        channelTarget(rig.fake.url, CHANNELS.general, 'General'),
        channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA'),
        channelTarget(rig.fake.url, CHANNELS.apac, 'APAC'),
      ],
      [route(CHANNELS.general), route(CHANNELS.emea, { country: ['DE', 'FR'] }), route(CHANNELS.apac, { country: ['JP'] })],
    );
    return service;
  }

  it('posts 300 cards over three channels once each, in intake order per channel, with no 429', async () => {
    rig.app = await startWithChannels();
    const countries = ['DE', 'JP', 'US'];
    const rfis = Array.from({ length: 300 }, (_, i) => rfiFrom(`burst-${String(i).padStart(3, '0')}`, countries[i % 3]!));
    const started = Date.now();
    await takeIn(rig.app, rfis);
    // A bot-level message queued in the state goes out too (wake() skips the rescan wait).
    await rig.app.store.updateState((state) => ({
      state: {
        ...state,
        outbox: [
          ...state.outbox,
          {
            id: 'welcome-1',
            kind: 'channelMessage',
            target: `channel:${CHANNELS.apac}`,
            message: { key: 'welcome' },
            createdAt: new Date().toISOString(),
            attempts: 0,
            state: 'pending',
          },
        ],
      },
      result: undefined,
    }));
    rig.app.sender.wake();
    await waitFor('all 300 cards posted', () => rig.fake.posts().length >= 301 && outboxEmpty(rig.app!), 30_000);
    const elapsed = Date.now() - started;

    const expected = (country: string) => rfis.filter((rfi) => (rfi['customerProfile'] as any).address.country === country).map((rfi) => rfi['id']);
    expect(postedReferralIds(rig.fake, CHANNELS.emea)).to.deep.equal(expected('DE'));
    expect(postedReferralIds(rig.fake, CHANNELS.apac)).to.deep.equal(expected('JP'));
    expect(postedReferralIds(rig.fake, CHANNELS.general)).to.deep.equal(expected('US'));
    expect(rig.fake.throttledCount, 'no 429 while the limits are respected').to.equal(0);
    expect(
      rig.fake.posts().filter((post) => post.conversationId === CHANNELS.apac && !post.body?.attachments?.[0]?.content?.actions),
    ).to.have.length.greaterThan(0);

    // Every record knows its card's activity id and the version it shows.
    for (const rfi of rfis.slice(0, 30)) {
      const record = await recordOf(rig.app, rfi['id'] as string);
      expect(record.card?.activityId, `${rfi['id']}`).to.be.a('string');
      expect(record.card?.shownVersion).to.equal(record.referral.version);
    }
    const health = await request(`${rig.app.url}/healthz`);
    expect(health.body.outbox).to.deep.include({ pending: 0, failed: 0, oldestPendingAgeMs: null });
    // 100 per channel at 60 per 1.5 s: the channels run in parallel, so about 2 windows.
    expect(elapsed).to.be.below(15_000);
  });

  it('a restart in the middle of the burst loses and duplicates nothing', async () => {
    rig.app = await startWithChannels();
    const rfis = Array.from({ length: 200 }, (_, i) => rfiFrom(`restart-${String(i).padStart(3, '0')}`, 'DE'));
    await takeIn(rig.app, rfis);
    await waitFor('a third of the cards posted', () => rig.fake.posts().length >= 70, 15_000);
    await rig.app.stop();
    const beforeRestart = rig.fake.posts().length;
    expect(beforeRestart).to.be.below(200);
    rig.app = await startTestService(rig.dataDir, SCALE);
    // With the outbox empty nothing more can come.
    await waitFor('every card posted', () => rig.fake.posts().length >= 200 && outboxEmpty(rig.app!), 20_000);
    console.log(`      (restart test: ${beforeRestart} posted before the restart, ${rig.fake.throttledCount} 429s after it)`);

    const posted = postedReferralIds(rig.fake, CHANNELS.emea);
    const duplicates = [...counts(posted)].filter(([, n]) => n > 1);
    expect(duplicates, 'duplicates').to.deep.equal([]);
    expect(posted, 'every RFI once, in intake order').to.deep.equal(rfis.map((rfi) => rfi['id']));
    for (const rfi of rfis) {
      const record = await recordOf(rig.app, rfi['id'] as string);
      expect(record.card?.activityId, rfi['id'] as string).to.be.a('string');
    }
  });
});
