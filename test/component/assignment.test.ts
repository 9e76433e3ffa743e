// Assignment pools end to end (docs/architecture.md#assignment): the real service, the fake Teams
// connector answering the team's roster, Teams-shaped activities, and windows of a few seconds.
// What a seller and a manager see: who has each referral, the move when someone is silent or
// passes, the managers told when nobody is left, and a colleague's answer ending it all.

import { expect } from 'chai';
import { t } from '../../cards/i18n.js';
import { sendActivity, sendInvoke } from '../support/bot-client.js';
import { cardButtons } from '../support/card-buttons.js';
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
import { inDays } from '../support/builders.js';
import { pendingTimers } from '../../referrals/timers.js';

const { anna, bruno, chen, dmitri, maria } = fixture.users;
const EMEA = fixture.team.emea;

describe('assignment pools: one accountable seller per referral (component)', function () {
  this.timeout(60_000);
  let fake: FakeConnector;
  let service: TestService;

  afterEach(async () => {
    await service?.stop();
    await fake?.close();
    if (service) await removeDir(service.dataDir);
  });

  async function start(env: Record<string, string>): Promise<void> {
    fake = await startFakeConnector(fixtureConnectorOptions());
    service = await startService({ MANAGER_IDS: maria.aadObjectId, ...env });
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    // The manager has a personal chat with the bot (escalations reach her there).
    await sendActivity(service.url, personalMessage('help', { serviceUrl: fake.url, from: maria }));
    await say('subscribe', maria);
  }

  /** A channel command; the bot's text answer. */
  async function say(command: string, from: FixtureUser, mentions: FixtureUser[] = []): Promise<string> {
    const before = fake.requests.length;
    expect((await sendActivity(service.url, channelMention(command, { serviceUrl: fake.url, channel: EMEA, from, mentions }))).status).to.equal(200);
    const answer = await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && typeof r.body?.text === 'string'));
    return String(answer.body.text);
  }

  /** A channel command answered with a card: the card's text blocks, row by row. */
  async function sayForCard(command: string, from: FixtureUser): Promise<string[]> {
    const before = fake.requests.length;
    expect((await sendActivity(service.url, channelMention(command, { serviceUrl: fake.url, channel: EMEA, from }))).status).to.equal(200);
    const answer = await fake.waitFor((requests) => requests.slice(before).find((r) => r.outcome === 'ok' && Array.isArray(r.body?.attachments)));
    const card = answer.body.attachments[0].content as { body: Array<{ type: string; rows?: Array<{ cells: Array<{ items: Array<{ text: string }> }> }> }> };
    const table = card.body.find((element) => element.type === 'Table');
    return (table?.rows ?? []).map((row) => row.cells.map((cell) => cell.items[0]!.text).join(' | '));
  }

  /** Posts an RFI; the id of its card in the channel. */
  async function referral(id: string): Promise<string> {
    expect((await postReferral(service.url, sampleRfi(id, { createdDateTime: undefined }))).status).to.equal(201);
    const post = await fake.waitFor((requests) =>
      requests.find((r) => r.outcome === 'ok' && !r.isThreadReply && r.conversationId === EMEA.id && JSON.stringify(r.body).includes(`"referralId":"${id}"`)),
    );
    return post.messageId!;
  }

  /** The thread replies of a card, once there are at least `count`. */
  function replies(root: string, count: number): Promise<StoredMessage[]> {
    return waitFor(`${count} replies in the thread of ${root}`, () => {
      const found = fake.threadReplies(root);
      return found.length >= count ? found : undefined;
    });
  }

  const textOf = (message: StoredMessage) => String(message.activity.text ?? '');
  const mentionedIds = (message: StoredMessage) =>
    ((message.activity.entities ?? []) as Array<{ type: string; mentioned?: { id: string } }>).filter((e) => e.type === 'mention').map((e) => e.mentioned?.id);

  /** Messages in a person's personal chat with the bot that carry this referral's card or notice. */
  function personalCards(user: FixtureUser, referralId: string): StoredMessage[] {
    return fake.messages().filter((m) => m.baseConversationId === user.personalConversationId && JSON.stringify(m.activity).includes(referralId));
  }

  it('a pool of three gets three referrals, one each; each assignee is @mentioned and gets the card in a personal chat with Pass', async () => {
    await start({});
    const shown = await say('assign', maria, [anna, bruno, chen]);
    for (const user of [anna, bruno, chen]) expect(shown).to.include(user.name);

    const roots = [await referral('rfi-pool-1'), await referral('rfi-pool-2'), await referral('rfi-pool-3')];
    const assignees: string[] = [];
    for (const root of roots) {
      const [reply] = await replies(root, 1);
      expect(textOf(reply!)).to.match(/Assigned to /);
      assignees.push(...(mentionedIds(reply!) as string[]));
    }
    // Each Teams user id once: one referral each, in pool order.
    expect(assignees).to.deep.equal([anna.id, bruno.id, chen.id]);

    // The channel card says who has it; the assignee's own copy offers Pass, for them only.
    const channelCard = await waitFor('the channel card shows the assignee', () => {
      const card = JSON.stringify(fake.card(roots[0]!));
      return card.includes(`Assigned to** ${anna.name}`) ? card : undefined;
    });
    expect(channelCard).to.not.include('"command":"pass"');
    const [personal] = await waitFor('Anna’s personal copy', () => {
      const found = personalCards(anna, 'rfi-pool-1');
      return found.length > 0 ? found : undefined;
    });
    const buttons = cardButtons(personal!.activity.attachments[0].content).map((button) => button.title);
    expect(buttons).to.include.members([t('en', 'action.accept'), t('en', 'action.decline'), t('en', 'action.pass')]);
    // Teams names the users it refreshes for by their Teams id.
    expect(personal!.activity.attachments[0].content.refresh.userIds).to.deep.equal([anna.id]);
  });

  it('a silent assignee’s referral moves on in the window, a pass moves it at once, and when nobody is left the managers are @mentioned and told', async () => {
    await start({ ASSIGN_RESPOND_WITHIN: 'PT2S' });
    await say('assign', maria, [anna, bruno, chen]);
    const root = await referral('rfi-silent');

    // Anna says nothing: after 2 s it is Bruno's, and the thread says why.
    const [, moved] = await replies(root, 2);
    expect(textOf(moved!)).to.include(`Passed to ${bruno.name}`).and.include(`${anna.name} did not answer within 2 s`);
    expect(mentionedIds(moved!)).to.deep.equal([bruno.id]);

    // Bruno passes from his personal copy: at once, Chen's.
    const copy = await waitFor('Bruno’s personal copy', () => personalCards(bruno, 'rfi-silent')[0]);
    const passButton = cardButtons(copy.activity.attachments[0].content).find((button) => button.data?.command === 'pass');
    expect(passButton, 'Bruno’s copy has Pass').to.not.equal(undefined);
    const answer = await sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'do', data: passButton.data, cardActivityId: copy.id, from: bruno, personal: true }),
    );
    expect(answer.status).to.equal(200);
    expect(JSON.stringify(answer.body)).to.include(`Assigned to** ${chen.name}`).and.not.include('"command":"pass"');
    const [, , passed] = await replies(root, 3);
    expect(textOf(passed!)).to.include(`Passed to ${chen.name}`).and.include(`${bruno.name} passed it on`);

    // Chen says nothing either: nobody is left. The managers are @mentioned in the thread and told personally.
    const [, , , escalated] = await replies(root, 4);
    expect(textOf(escalated!)).to.include('nobody in the pool is left');
    expect(mentionedIds(escalated!)).to.deep.equal([maria.aadObjectId]);
    const notice = await waitFor('the manager’s personal notice', () => personalCards(maria, 'rfi-silent')[0]);
    expect(JSON.stringify(notice.activity)).to.include('nobody in the pool is left');
    // Each person had it once.
    const stored = await service.store.get('rfi-silent');
    expect(stored?.referral.assignment?.tried).to.deep.equal([anna.aadObjectId, bruno.aadObjectId, chen.aadObjectId]);
    // The export says who had it last, when, and how many rounds it took.
    const { items: rows } = (await (await fetch(`${service.url}/api/referrals/export?format=json`)).json()) as { items: Array<Record<string, unknown>> };
    const row = rows.find((candidate) => candidate['id'] === 'rfi-silent');
    expect(row).to.include({ assignee: chen.name, assignmentRounds: 3 });
    expect(Date.parse(String(row?.['assignedAt']))).to.be.a('number').and.not.NaN;
    // The pool card, for anyone: person | weight | now | open | assigned | in time | passed (30 days).
    expect(await sayForCard('assign', anna)).to.deep.equal([
      'Person | Weight | Now | Open | Assigned | In time | Passed',
      `${anna.name} | 1 | available | 0 | 1 | 0 | 0`,
      `${bruno.name} | 1 | available | 0 | 1 | 1 | 1`,
      `${chen.name} | 1 | available | 0 | 1 | 0 | 0`,
    ]);
  });

  for (const flow of ['inbox', 'classic'] as const) {
    it(`${flow}: a colleague’s answer (${flow === 'inbox' ? 'Accept' : 'I’m interested'}) ends the assignment and cancels its timers`, async () => {
      await start({ ASSIGN_RESPOND_WITHIN: 'PT2S', REFERRAL_FLOW: flow });
      await say('assign', maria, [anna, bruno]);
      const id = `rfi-colleague-${flow}`;
      const root = await referral(id);
      await replies(root, 1);
      // The card as first posted, before it said who has it: still good for a colleague's answer.
      const card = fake.cardVersions(root)[0];
      expect(JSON.stringify(card)).to.not.include('Assigned to');
      const data =
        flow === 'inbox'
          ? { referralId: id, version: 1, form: 'accept', engagementName: 'Taken by Dmitri', dealValue: '20000', currency: 'EUR', closeDate: inDays(30) }
          : cardButtons(card).find((button) => button.data?.command === 'interested').data;
      const verb = flow === 'inbox' ? 'submit' : 'do';
      const answer = await sendInvoke(service.url, cardAction({ serviceUrl: fake.url, verb, data, cardActivityId: root, from: dmitri, channel: EMEA }));
      expect(answer.status).to.equal(200);
      expect(JSON.stringify(answer.body)).to.not.include('Assigned to');
      const stored = await service.store.get(id);
      expect(stored?.referral.substatus).to.equal(flow === 'inbox' ? 'Accepted' : 'Received');
      const timers = pendingTimers(stored!.referral, service.commands.policy).map((timer) => timer.type);
      expect(timers).to.not.include.members(['assignTimeout', 'escalate']);

      // A later referral's window runs out and moves on: the first one's window, earlier, would have too.
      const marker = await referral(`rfi-marker-${flow}`);
      const [, markerMoved] = await replies(marker, 2);
      expect(textOf(markerMoved!)).to.include('Passed to');
      expect(
        fake
          .threadReplies(root)
          .map(textOf)
          .some((text) => text.includes('Passed to')),
      ).to.equal(false);
      expect((await service.store.get(id))?.referral.assignment?.tried).to.deep.equal([anna.aadObjectId]);
    });
  }

  it('away and the cap are skipped, and a referral nobody can take is posted as today with the managers told once', async () => {
    await start({});
    await say('assign', maria, [anna, bruno, chen]);
    expect(await say('assign cap 1', maria)).to.include('at most 1 open each');
    expect(await say('away', bruno)).to.equal(t('en', 'away.set', { name: bruno.name }));

    const first = await referral('rfi-cap-1');
    const second = await referral('rfi-cap-2');
    const [toAnna] = await replies(first, 1);
    const [toChen] = await replies(second, 1);
    expect(mentionedIds(toAnna!)).to.deep.equal([anna.id]);
    expect(mentionedIds(toChen!)).to.deep.equal([chen.id]);
    expect(textOf(toChen!)).to.include(`${bruno.name} is away`);

    const third = await referral('rfi-cap-3');
    const [unassignable] = await replies(third, 1);
    expect(textOf(unassignable!)).to.include('nobody in this channel');
    expect(textOf(unassignable!)).to.include(`${bruno.name} is away`).and.include(`${anna.name} holds 1 open referrals`);
    expect(mentionedIds(unassignable!)).to.deep.equal([maria.aadObjectId]);
    await waitFor('the manager’s notice', () => personalCards(maria, 'rfi-cap-3')[0]);
    // The card is there for anyone to take, without an assignee line.
    expect(JSON.stringify(fake.card(third))).to.not.include('Assigned to');

    // Bruno is back: the next referral is his.
    expect(await say('back', bruno)).to.equal(t('en', 'away.back', { name: bruno.name }));
    const fourth = await referral('rfi-cap-4');
    const [toBruno] = await replies(fourth, 1);
    expect(mentionedIds(toBruno!)).to.deep.equal([bruno.id]);
  });

  it('a manager reassigns from the card to a pool member: the thread says who did, the new assignee gets the card; a seller cannot', async () => {
    await start({});
    await say('assign', maria, [anna, bruno, chen]);
    const root = await referral('rfi-reassign');
    await replies(root, 1);
    const refresh = (from: FixtureUser) => {
      const button = { referralId: 'rfi-reassign', version: 2 };
      return sendInvoke(
        service.url,
        cardAction({ serviceUrl: fake.url, verb: 'refresh', data: button, cardActivityId: root, from, channel: EMEA, trigger: 'automatic' }),
      );
    };
    // Maria's view has the choice (everyone but Anna, who has it); Bruno's has none.
    const mariaView = (await refresh(maria)).body as { value: unknown };
    const choiceSet = JSON.stringify(mariaView.value);
    expect(choiceSet).to.include('"id":"reassignTo"').and.include(chen.aadObjectId).and.not.include(`"value":"${anna.aadObjectId}"`);
    expect(JSON.stringify(((await refresh(bruno)).body as { value: unknown }).value)).to.not.include('reassignTo');

    const reassignAs = (from: FixtureUser, to: string) =>
      sendInvoke(
        service.url,
        cardAction({
          serviceUrl: fake.url,
          verb: 'reassign',
          data: { referralId: 'rfi-reassign', version: 2, reassignTo: to },
          cardActivityId: root,
          from,
          channel: EMEA,
        }),
      );
    expect(JSON.stringify((await reassignAs(bruno, bruno.aadObjectId)).body)).to.include(t('en', 'command.reassignManagersOnly'));
    expect(JSON.stringify((await reassignAs(maria, dmitri.aadObjectId)).body)).to.include(t('en', 'command.reassignNotInPool'));
    const done = await reassignAs(maria, chen.aadObjectId);
    expect(JSON.stringify(done.body)).to.include(`Assigned to** ${chen.name}`);
    const [, reassigned] = await replies(root, 2);
    expect(textOf(reassigned!)).to.include(`${maria.name} reassigned it to ${chen.name}`);
    expect(mentionedIds(reassigned!)).to.deep.equal([chen.id]);
    await waitFor('Chen’s personal copy', () => personalCards(chen, 'rfi-reassign')[0]);
  });

  it('only managers change the pool; anyone sees it', async () => {
    await start({});
    expect(await say('assign', anna, [bruno])).to.equal(t('en', 'assign.managersOnly'));
    expect(await say('assign', anna)).to.equal(t('en', 'assign.none'));
    await say('assign', maria, [anna, bruno]);
    expect((await sayForCard('assign', anna)).slice(1).map((row) => row.split(' | ')[0])).to.deep.equal([anna.name, bruno.name]);
    expect(await say('away', anna, [bruno])).to.equal(t('en', 'away.managersOnly'));
    expect(await say('assign off', maria)).to.equal(t('en', 'assign.removed'));
  });
});
