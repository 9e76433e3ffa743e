// Hand over (docs/architecture.md#who-may-act): an accepted deal changes hands. The real service, the
// fake Teams connector listing the team's members, Teams-shaped activities.

import { expect } from 'chai';
import { t } from '../../cards/i18n.js';
import { sendActivity, sendInvoke } from '../support/bot-client.js';
import { cardButtons } from '../support/card-buttons.js';
import { inDays } from '../support/builders.js';
import { startFakeConnector, type FakeConnector, type StoredMessage } from '../support/fake-connector.js';
import { postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import {
  cardAction,
  channelMention,
  fixture,
  fixtureConnectorOptions,
  installationUpdate,
  personalMessage,
  type FixtureUser,
} from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const { anna, bruno, chen, maria } = fixture.users;
const EMEA = fixture.team.emea;
const ID = 'rfi-hand-over';

describe('hand over: an accepted deal changes hands (component)', function () {
  this.timeout(60_000);
  let fake: FakeConnector;
  let service: TestService;

  afterEach(async () => {
    await service?.stop();
    await fake?.close();
    if (service) await removeDir(service.dataDir);
  });

  const press = (from: FixtureUser, data: Record<string, unknown>, cardId: string) =>
    sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'reassign', data: { referralId: ID, ...data }, cardActivityId: cardId, from, channel: EMEA }),
    );
  const textOf = (message: StoredMessage) => String(message.activity.text ?? '');

  it('the owner hands it to a colleague from the team list; the thread and the new owner are told; the old owner can no longer act', async () => {
    fake = await startFakeConnector(fixtureConnectorOptions());
    service = await startService({ MANAGER_IDS: maria.aadObjectId });
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(service.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: maria }));
    await sendActivity(service.url, personalMessage('help', { serviceUrl: fake.url, from: bruno }));
    expect((await postReferral(service.url, sampleRfi(ID))).status).to.equal(201);
    const post = await fake.waitFor((requests) =>
      requests.find((r) => r.outcome === 'ok' && !r.isThreadReply && JSON.stringify(r.body).includes(`"referralId":"${ID}"`)),
    );
    const cardId = post.messageId!;
    const accepted = await sendInvoke(
      service.url,
      cardAction({
        serviceUrl: fake.url,
        verb: 'submit',
        data: { referralId: ID, version: 1, form: 'accept', engagementName: 'Fabrikam rollout', dealValue: '30000', currency: 'EUR', closeDate: inDays(30) },
        cardActivityId: cardId,
        from: anna,
        channel: EMEA,
      }),
    );
    expect(JSON.stringify(accepted.body)).to.include('Hand over');
    const version = (await service.store.get(ID))!.referral.version;

    // Chen is neither owner nor manager: told so, no list.
    expect(JSON.stringify((await press(chen, { version }, cardId)).body)).to.include(t('en', 'command.onlyOwnerOrManager', { owner: anna.name }).slice(0, 20));

    // Anna's first press: the team's members, herself left out.
    const choice = (await press(anna, { version }, cardId)).body as { value: Record<string, unknown> };
    const choiceSet = JSON.stringify(choice.value);
    expect(choiceSet).to.include('"id":"reassignTo"').and.include(bruno.aadObjectId).and.not.include(`"value":"${anna.aadObjectId}"`);
    expect(choiceSet).to.include(t('en', 'card.handOverTo'));
    // Someone not in the team is refused.
    expect(JSON.stringify((await press(anna, { version, reassignTo: 'aad-stranger' }, cardId)).body)).to.include(t('en', 'command.handOverNotMember'));

    const done = await press(anna, { version, reassignTo: bruno.aadObjectId }, cardId);
    expect(JSON.stringify(done.body)).to.include(bruno.name);
    expect((await service.store.get(ID))!.referral.owner).to.deep.equal({ id: bruno.aadObjectId, name: bruno.name });

    const reply = await waitFor('the thread reply', () => fake.threadReplies(cardId).find((message) => textOf(message).includes('handed this deal over')));
    expect(textOf(reply)).to.include(`${anna.name} handed this deal over to ${bruno.name}`);
    const mentioned = ((reply.activity.entities ?? []) as Array<{ type: string; mentioned?: { id: string } }>).filter((e) => e.type === 'mention');
    expect(mentioned.map((e) => e.mentioned?.id)).to.deep.equal([bruno.aadObjectId]);
    await waitFor('Bruno told personally', () =>
      fake.messages().find((m) => m.baseConversationId === bruno.personalConversationId && JSON.stringify(m.activity).includes('handed this deal over')),
    );

    // Anna's Won is now refused: the deal is Bruno's.
    const after = (await service.store.get(ID))!.referral.version;
    const won = await sendInvoke(
      service.url,
      cardAction({
        serviceUrl: fake.url,
        verb: 'open',
        data: { referralId: ID, version: after, form: 'won' },
        cardActivityId: cardId,
        from: anna,
        channel: EMEA,
      }),
    );
    expect(JSON.stringify(won.body)).to.include(t('en', 'command.onlyOwnerOrManager', { owner: bruno.name }));
    expect(cardButtons(fake.card(cardId)).map((button) => button.title)).to.include('Hand over');
  });
});
