// Who may steer the flow (docs/architecture.md#who-may-do-what): routing and a channel's language
// are the managers'; anyone may add or remove themselves from a channel's reminders; every route
// change is told to the managers in their personal chats; only Teams activities are taken. Real
// service, fake Teams connector, Teams-shaped activities.

import { expect } from 'chai';
import { t } from '../../cards/i18n.js';
import { notifiedOf, routes } from '../../storage/bot-state-reads.js';
import { sendActivity } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { channelMention, fixture, installationUpdate, personalMessage, type FixtureUser } from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const { anna, bruno, maria } = fixture.users;
const EMEA = fixture.team.emea;
const emeaKey = `channel:${EMEA.id}`;

describe('who steers the flow (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;

  beforeEach(async () => {
    fake = await startFakeConnector();
    service = await startService({ MANAGER_IDS: maria.aadObjectId });
    expect((await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }))).status).to.equal(200);
    // Maria has a personal chat with the bot: where managers are told.
    await say(personalMessage('help', { serviceUrl: fake.url, from: maria }));
  });
  afterEach(async () => {
    await service.stop();
    await fake.close();
    await removeDir(service.dataDir);
  });

  const isNotice = (body: unknown) => JSON.stringify(body).includes('🔀');
  /** Sends an activity and returns the bot's direct answer in that conversation (a text, or a card as JSON). */
  async function say(activity: Record<string, any>): Promise<string> {
    const before = fake.requests.length;
    const conversation = String(activity['conversation'].id).split(';')[0]!;
    expect((await sendActivity(service.url, activity)).status).to.equal(200);
    const answer = await fake.waitFor((requests) =>
      requests.slice(before).find((r) => r.outcome === 'ok' && r.conversationId?.split(';')[0] === conversation && !isNotice(r.body)),
    );
    return String(answer.body?.text ?? JSON.stringify(answer.body));
  }
  const inEmea = (command: string, from: FixtureUser, mentions?: FixtureUser[]) =>
    say(channelMention(command, { serviceUrl: fake.url, channel: EMEA, from, ...(mentions && { mentions }) }));
  const noticesToMaria = () => fake.requests.filter((r) => r.outcome === 'ok' && r.conversationId === maria.personalConversationId && isNotice(r.body));

  it('someone who is not a manager cannot subscribe, unsubscribe, list routes or change the language: told so, nothing changes', async () => {
    expect(await inEmea('subscribe', maria)).to.equal(t('en', 'command.subscribedOnly'));
    const routesBefore = routes(service.store.readState());

    expect(await inEmea('subscribe country=DE', anna)).to.equal(t('en', 'command.managersOnly.routing'));
    expect(await inEmea('unsubscribe', anna)).to.equal(t('en', 'command.managersOnly.routing'));
    expect(await say(personalMessage('routes', { serviceUrl: fake.url, from: anna }))).to.equal(t('en', 'command.managersOnly.routes'));
    expect(await inEmea('settings locale ru', anna)).to.equal(t('en', 'command.managersOnly.locale'));

    expect(routes(service.store.readState())).to.deep.equal(routesBefore);
    expect(await inEmea('settings', anna)).to.include('English');
    // Only Maria's own subscribe was told to her: none of the refused ones.
    await waitFor('the notice of the subscribe', () => noticesToMaria().length === 1);
    expect(await say(personalMessage('routes', { serviceUrl: fake.url, from: maria }))).to.include('EMEA');
    expect(noticesToMaria()).to.have.length(1);
    // A second channel taking everything: now "no more specific route" has a meaning.
    expect(await say(channelMention('subscribe', { serviceUrl: fake.url, channel: fixture.team.general, from: maria }))).to.equal(
      t('en', 'command.subscribedAll'),
    );
  });

  it('anyone adds or removes themselves from the reminders; naming others is for managers', async () => {
    expect(await inEmea('settings notify @bruno', anna, [bruno])).to.equal(t('en', 'command.managersOnly.notify'));
    expect(notifiedOf(service.store.readState(), emeaKey)).to.deep.equal([]);
    expect(await inEmea('settings notify me', anna)).to.include(anna.name);
    expect(await inEmea('settings notify @bruno', maria, [bruno])).to.include(bruno.name);
    expect(notifiedOf(service.store.readState(), emeaKey).map((person) => person.id)).to.deep.equal([anna.id, bruno.id]);

    // Anna's "off" takes only Anna off; a manager's clears the list.
    expect(await inEmea('settings notify off', anna)).to.equal(t('en', 'command.notifyRemovedYou'));
    expect(notifiedOf(service.store.readState(), emeaKey).map((person) => person.id)).to.deep.equal([bruno.id]);
    expect(await inEmea('settings notify off', maria)).to.equal(t('en', 'command.notifyOff'));
    expect(notifiedOf(service.store.readState(), emeaKey)).to.deep.equal([]);
  });

  it('a manager’s subscribe and unsubscribe are told to the managers: who, which channel, which filters, what happens to open referrals', async () => {
    // A German referral before any route: it waits, unposted.
    expect((await postReferral(service.url, sampleRfi('waiting-de'))).status).to.equal(201);
    await inEmea('subscribe country=DE', maria);
    const subscribed = JSON.stringify((await waitFor('the subscribe notice', () => noticesToMaria()[0])).body);
    expect(subscribed).to.include(maria.name).and.include('Partner Sales › EMEA').and.include('Germany');
    expect(subscribed).to.include('Referrals waiting for a channel that it takes: 1');

    await waitFor('the waiting card posted', () =>
      fake.requests.some((r) => r.outcome === 'ok' && JSON.stringify(r.body).includes('"referralId":"waiting-de"')),
    );
    await inEmea('unsubscribe', maria);
    const unsubscribed = JSON.stringify((await waitFor('the unsubscribe notice', () => noticesToMaria()[1])).body);
    expect(unsubscribed).to.include(maria.name).and.include('unsubscribed Partner Sales › EMEA');
    expect(unsubscribed).to.include('Open referrals whose cards are there: 1').and.include(t('en', 'notice.routeChanged.nextNowhere'));
  });

  it('an activity from another Bot Framework channel (Web Chat) is refused, and changes nothing', async () => {
    const webChat = { ...channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: maria }), channelId: 'webchat' };
    const answer = await sendActivity(service.url, webChat);
    expect(answer.status).to.equal(403);
    expect(answer.body)
      .to.have.property('error')
      .that.match(/msteams/);
    expect(routes(service.store.readState())).to.deep.equal([]);
  });
});
