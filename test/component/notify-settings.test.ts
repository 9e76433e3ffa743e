// Who a reminder notifies. Teams notifies only the people a message @mentions, so a reminder about a
// referral nobody has taken yet mentions the people the channel named with `settings notify`, and
// once someone owns it, the owner. Real service, fake Teams connector, Teams-shaped activities.

import { expect } from 'chai';
import { t } from '../../cards/i18n.js';
import { sendActivity } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { channelMention, fixture, installationUpdate, personalMessage } from '../support/teams-activities.js';

type User = (typeof fixture.sellers)[number];
const { anna, bruno } = fixture.users as Record<'anna' | 'bruno', User>;
const EMEA = fixture.team.emea;

type Message = { text?: string; entities?: Array<{ type: string; text?: string; mentioned?: { id: string; name: string } }> };

describe('settings notify: who reminders mention (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;

  afterEach(async () => {
    await service?.stop();
    await fake?.close();
    if (service) await removeDir(service.dataDir);
  });

  /** Sends a channel command and returns the bot's text answer. */
  async function say(command: string, options: { from?: User; mentions?: User[] } = {}): Promise<string> {
    const before = fake.requests.length;
    const activity = channelMention(command, {
      serviceUrl: fake.url,
      channel: EMEA,
      ...(options.from && { from: options.from }),
      ...(options.mentions && { mentions: options.mentions }),
    });
    expect((await sendActivity(service.url, activity)).status).to.equal(200);
    const answer = await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && typeof r.body?.text === 'string'));
    return String(answer.body.text);
  }

  async function rfiRoot(id: string): Promise<string> {
    expect((await postReferral(service.url, sampleRfi(id, { createdDateTime: undefined }))).status).to.equal(201);
    const post = await fake.waitFor((requests) =>
      requests.find((r) => r.outcome === 'ok' && !r.isThreadReply && JSON.stringify(r.body).includes(`"referralId":"${id}"`)),
    );
    return post.messageId!;
  }

  async function replyAfter(rootId: string, count: number): Promise<Message> {
    const replies = await fake.waitFor((_, f) => (f.threadReplies(rootId).length >= count ? f.threadReplies(rootId) : undefined));
    return replies[count - 1]!.activity as Message;
  }

  it('an unanswered referral’s reminder mentions the people the channel named; after `settings notify off`, nobody', async () => {
    fake = await startFakeConnector();
    service = await startService({ RESPOND_WITHIN: 'PT2S' });
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    await say('subscribe');

    expect(await say('settings notify me', { from: anna })).to.equal(t('en', 'command.notifyAdded', { names: anna.name }));
    expect(await say('settings notify', { from: anna, mentions: [bruno, anna] })).to.equal(
      t('en', 'command.notifyAdded', { names: `${anna.name}, ${bruno.name}` }),
    );
    expect(await say('settings', { from: anna })).to.include(`${anna.name}, ${bruno.name}`);

    const first = await rfiRoot('rfi-notify-1');
    // The scheduler reminds once RESPOND_WITHIN has passed with no answer.
    const reminder = await replyAfter(first, 1);
    expect(reminder.text).to.match(new RegExp(`^<at>${anna.name}</at> <at>${bruno.name}</at> `));
    const mentioned = (reminder.entities ?? []).filter((entity) => entity.type === 'mention').map((entity) => entity.mentioned);
    // Teams user ids, as in the command's mentions ("me" is the writer's own): one person, one entry.
    expect(mentioned).to.deep.equal([
      { id: anna.id, name: anna.name },
      { id: bruno.id, name: bruno.name },
    ]);

    expect(await say('settings notify off', { from: bruno })).to.equal(t('en', 'command.notifyOff'));
    const second = await rfiRoot('rfi-notify-2');
    const quiet = await replyAfter(second, 1);
    expect(quiet.text).to.equal(reminder.text!.replace(/^(<at>[^<]*<\/at> )+/, ''));
    expect((quiet.entities ?? []).filter((entity) => entity.type === 'mention')).to.deep.equal([]);
  });

  it('settings notify is a channel setting: in a personal chat the bot says where to type it, and nothing is stored', async () => {
    fake = await startFakeConnector();
    service = await startService({});
    const before = fake.requests.length;
    expect((await sendActivity(service.url, personalMessage('settings notify me', { serviceUrl: fake.url, from: anna }))).status).to.equal(200);
    const answer = await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && typeof r.body?.text === 'string'));
    expect(answer.body.text).to.equal(t('en', 'command.notifyChannelOnly'));
    const settings = service.store.readState().settings as Record<string, { notify?: unknown }>;
    expect(Object.values(settings).some((value) => value.notify !== undefined)).to.equal(false);
  });
});
