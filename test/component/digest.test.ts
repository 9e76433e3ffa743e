// The channel digest end to end: the real service with DIGEST_AT on a fixed (movable) clock, the
// outbox sender posting to the fake Teams connector, restarts on the same data directory. A
// digest is posted at its slot with what needs attention; the next slot, with nothing changed,
// posts nothing; a slot missed while down is posted once at start if it is today's — once, also
// across a second restart — and not at all on a later day.

import { fakeClock } from '../support/fake-clock.js';
import { outboxEmpty } from '../support/outbox.js';
import { waitFor } from '../support/wait-for.js';
import { expect } from 'chai';
import { channelKey } from '../../storage/bot-state-reads.js';
import { t } from '../../cards/i18n.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { type LowdbStore } from '../../storage/lowdb-store.js';
import { tell } from '../support/story.js';
import { sendActivity } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector, type RecordedRequest } from '../support/fake-connector.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, tempDataDir, type TestService } from '../support/start-service.js';
import { channelMention, fixture, installationUpdate } from '../support/teams-activities.js';

const { anna, maria } = fixture.users;
const EMEA = fixture.team.emea;
const EMEA_KEY = channelKey(EMEA.id);
const HOUR = 3_600_000;
/** 09:00 in Berlin on Monday 16 March 2026 (CET) is 08:00 UTC. */
const MON_SLOT = Date.parse('2026-03-16T08:00:00.000Z');
const DAY = 24 * HOUR;

describe('digest (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService | undefined;
  let dataDir: string;
  const clock = fakeClock(MON_SLOT - HOUR);

  const start = async () => {
    service = await startService({ DATA_DIR: dataDir, DIGEST_AT: '09:00 Mon-Fri Europe/Berlin', MANAGER_IDS: maria.aadObjectId }, { clock });
    return service;
  };
  const stop = async () => {
    await service?.stop();
    service = undefined;
  };

  before(async () => {
    fake = await startFakeConnector();
    dataDir = await tempDataDir();
  });
  after(async () => {
    await stop();
    await fake.close();
    await removeDir(dataDir);
  });

  const isDigest = (request: RecordedRequest) =>
    request.outcome === 'ok' && request.body?.attachments?.[0]?.content?.body?.[0]?.text === t('en', 'digest.title');
  const digestPosts = () => fake.posts().filter(isDigest);
  const waitForDigests = (count: number) => fake.waitFor(() => (digestPosts().length >= count ? digestPosts() : undefined), 5_000);
  /** The referral ids of a digest card's Show buttons, per section (attention first, then changes). */
  const buttons = (card: any) =>
    JSON.stringify(card)
      .match(/"referralId":"[^"]+"/g)
      ?.map((m) => m.slice(14, -1)) ?? [];
  /**
   * Proves nothing more comes: the digest's own start-up run is over (a tick waits for it, and says
   * what it did), and everything queued has been sent.
   */
  const settle = async (app: TestService) => {
    const run = await app.digest!.tick();
    await waitFor('everything queued is sent', () => outboxEmpty(app));
    return run;
  };

  it('posts at the slot, stays silent when nothing changed, posts a missed slot once after a restart, skips older ones', async () => {
    // Monday 08:00 Berlin: the bot is installed, EMEA subscribes; a deal whose close date passed last week.
    const running = await start();
    expect(running.digest).to.exist;
    await sendActivity(running.url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(running.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
    const deal = tell(
      { id: 'stale-deal', createdDateTime: new Date(MON_SLOT - 8 * DAY).toISOString(), customerProfile: { name: 'Fjord Energy' } },
      new Date(MON_SLOT - 8 * DAY),
      [
        [
          new Date(MON_SLOT - 7 * DAY),
          {
            type: 'accept',
            actor: { id: anna.aadObjectId, name: anna.name },
            fields: { dealValue: 8000, currency: 'GBP', closingDateTime: '2026-03-12T00:00:00.000Z' },
            contacts: [],
          },
        ],
      ],
      clock(),
      DEFAULT_POLICY,
    );
    await (running.store as LowdbStore).importRecords([
      { referral: deal, outbox: [], card: { target: EMEA_KEY, activityId: 'seeded-card', shownVersion: deal.version } },
    ]);
    expect(await running.digest!.tick()).to.equal(undefined); // before the slot: Friday's is not today's

    // 09:00: the digest.
    clock.set(MON_SLOT + 30_000);
    expect(await running.digest!.tick()).to.deep.equal({ slot: new Date(MON_SLOT).toISOString(), outcome: 'queued', channels: [EMEA_KEY] });
    const [monday] = await waitForDigests(1);
    expect(monday!.conversationId).to.equal(EMEA.id);
    const mondayCard = monday!.body.attachments[0].content;
    expect(buttons(mondayCard)).to.deep.equal(['stale-deal']);
    expect(JSON.stringify(mondayCard)).to.include('Fjord Energy').and.include('Close date passed');

    // Tuesday 09:00: nothing changed, the same list: no post; the slot is done all the same.
    clock.set(MON_SLOT + DAY + 30_000);
    expect(await running.digest!.tick()).to.deep.equal({ slot: new Date(MON_SLOT + DAY).toISOString(), outcome: 'queued', channels: [] });
    const tuesdaySlot = new Date(MON_SLOT + DAY).toISOString();
    expect(running.store.readState().outbox.filter((item) => item.message.key === 'digest' && item.message.params?.['slot'] === tuesdaySlot)).to.deep.equal([]);

    // Tuesday 11:00 Berlin: an RFI arrives; at 13:00 the service stops until Wednesday 10:30.
    clock.set(MON_SLOT + DAY + 2 * HOUR);
    expect(
      (await postReferral(running.url, sampleRfi('rfi-tuesday', { createdDateTime: clock().toISOString(), customerProfile: { name: 'Contoso' } }))).status,
    ).to.equal(201);
    await fake.waitFor((requests) => requests.find((r) => r.outcome === 'ok' && JSON.stringify(r.body ?? {}).includes('"referralId":"rfi-tuesday"')));
    clock.set(MON_SLOT + DAY + 4 * HOUR);
    // Stopped: the sender has finished, and nothing posts any more.
    await stop();
    expect(digestPosts()).to.have.length(1);

    // Wednesday 10:30 Berlin: today's 09:00 slot was missed; it is posted once at start.
    clock.set(MON_SLOT + 2 * DAY + 1.5 * HOUR);
    const wednesday = await start();
    const [, second] = await waitForDigests(2);
    const secondCard = second!.body.attachments[0].content;
    expect(buttons(secondCard)).to.deep.equal(['rfi-tuesday', 'stale-deal', 'rfi-tuesday']); // due today, close date passed; new since Tuesday
    expect(JSON.stringify(secondCard)).to.include(t('en', 'digest.change.received'));
    expect((wednesday.store.readState()['digest'] as { lastSlot: string }).lastSlot).to.equal(new Date(MON_SLOT + 2 * DAY).toISOString());

    // Restarting again the same morning posts nothing more.
    clock.set(MON_SLOT + 2 * DAY + 1.75 * HOUR);
    await stop();
    expect(await settle(await start()), 'the slot was posted already').to.equal(undefined);
    expect(digestPosts()).to.have.length(2);

    // Down from Wednesday to Friday 08:00 Berlin: Thursday's slot is not posted any more.
    await stop();
    clock.set(MON_SLOT + 4 * DAY - HOUR);
    const friday = await start();
    expect(await settle(friday)).to.equal(undefined);
    expect(digestPosts()).to.have.length(2);
    expect(friday.store.readState().outbox.filter((item) => item.message.key === 'digest')).to.deep.equal([]); // (all sent long ago)

    // Friday 09:00: the RFI is overdue now (a new list): posted, with changes since Wednesday's digest.
    clock.set(MON_SLOT + 4 * DAY + 30_000);
    const run = await friday.digest!.tick();
    expect(run?.channels).to.deep.equal([EMEA_KEY]);
    const [, , third] = await waitForDigests(3);
    const thirdCard = JSON.stringify(third!.body.attachments[0].content);
    expect(thirdCard).to.include('Overdue');
    // "changes since" Wednesday's slot (the last digest), not Thursday's, in DIGEST_AT's zone.
    expect(thirdCard).to.include('changes since 18 Mar 2026, 09:00 CET');
    expect(digestPosts()).to.have.length(3);
  });
});
