// 403 BotNotInConversationRoster / ConversationBlockedByUser and 404 ConversationNotFound are not
// retried: the conversation is marked inactive, its open referrals move to another route with
// their pending thread replies (or wait unrouted), the rest queued for it is dropped, and the
// managers are told.

import { expect } from 'chai';
import type { ConversationTarget } from '../../../storage/bot-state-reads.js';
import { outboxStatus } from '../../../bot/outbox/status.js';
import { personalConversationIdFor } from '../../support/fake-connector.js';
import { fixture } from '../../support/teams-activities.js';
import {
  CHANNELS,
  channelTarget,
  MANAGER,
  outboxEmpty,
  personalTarget,
  postedReferralIds,
  recordOf,
  rfiFrom,
  route,
  seed,
  startTestService,
  takeIn,
  useOutboxRig,
} from '../../support/outbox.js';
import { inDays } from '../../support/builders.js';
import { waitFor } from '../../support/wait-for.js';

const SCALE = 0.05;
const seller = { id: fixture.users.anna.aadObjectId, name: fixture.users.anna.name };

describe('outbox: the bot was removed from a conversation (component)', function () {
  this.timeout(20_000);
  const rig = useOutboxRig(SCALE);

  const conversation = (key: string) => rig.app!.store.readState().conversations[key] as ConversationTarget;
  const messagesTo = (conversationId: string) => rig.fake.newMessages().filter((r) => r.conversationId === conversationId);

  it('403 BotNotInConversationRoster: channel inactive, its referrals re-routed, managers told in personal chat', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE, { MANAGER_IDS: MANAGER.aadObjectId });
    await seed(
      rig.app,
      [channelTarget(rig.fake.url, CHANNELS.general, 'General'), channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA'), personalTarget(rig.fake.url, MANAGER)],
      [route(CHANNELS.general), route(CHANNELS.emea, { country: ['DE'] })],
    );
    await takeIn(rig.app, [rfiFrom('gone-1', 'DE')]);
    await waitFor('the first card in EMEA', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));

    const removed = rig.fake.fail(CHANNELS.emea, { status: 403, code: 'BotNotInConversationRoster' }, Infinity);
    await takeIn(rig.app, [rfiFrom('gone-2', 'DE')]);
    await waitFor('both cards in General', () => postedReferralIds(rig.fake, CHANNELS.general).length === 2 && outboxEmpty(rig.app!));

    expect(removed.served, 'not retried').to.equal(1);
    expect(conversation(`channel:${CHANNELS.emea}`)).to.include({ active: false });
    expect(conversation(`channel:${CHANNELS.emea}`).inactiveReason).to.match(/403 BotNotInConversationRoster/);
    expect(postedReferralIds(rig.fake, CHANNELS.general).sort()).to.deep.equal(['gone-1', 'gone-2']);
    for (const id of ['gone-1', 'gone-2']) {
      const record = await recordOf(rig.app, id);
      expect(record.card?.target).to.equal(`channel:${CHANNELS.general}`);
      expect(record.card?.activityId).to.be.a('string');
    }
    const notice = messagesTo(personalConversationIdFor(MANAGER.id));
    expect(notice).to.have.length(1);
    const text = JSON.stringify(notice[0]!.body);
    expect(text).to.contain('Partner Sales › EMEA').and.to.contain('BotNotInConversationRoster').and.to.contain('Open referrals moved to another channel: 2');
    expect(text, 'which route went with it').to.contain('Its routes took referrals where: the country is Germany');

    const status = outboxStatus(rig.app.store);
    expect(status.inactiveTargets.map((target) => target.key)).to.deep.equal([`channel:${CHANNELS.emea}`]);
    expect(rig.app.sender.stats().inactiveTargets).to.equal(1);

    // New RFIs no longer go to the lost channel.
    await takeIn(rig.app, [rfiFrom('gone-3', 'DE')]);
    await waitFor('the third card in General', () => postedReferralIds(rig.fake, CHANNELS.general).length === 3);
    expect(removed.served).to.equal(1);
  });

  it('404 ConversationNotFound on a card update with no other route: the referral waits unrouted; a channel is told when no manager can be', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE);
    await seed(rig.app, [channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA'), channelTarget(rig.fake.url, CHANNELS.apac, 'APAC')], [route(CHANNELS.emea)]);
    await takeIn(rig.app, [rfiFrom('lost-1', 'DE')]);
    await waitFor('the card in EMEA', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));

    const removed = rig.fake.fail(CHANNELS.emea, { status: 404, code: 'ConversationNotFound' }, Infinity);
    const result = await rig.app.commands.store.get('lost-1');
    expect(result?.card?.activityId).to.be.a('string');
    const { applyCommand } = await import('../../../bot/use-cases/apply-command.js');
    const accepted = await applyCommand(rig.app.commands, 'lost-1', {
      type: 'accept',
      actor: seller,
      fields: { name: 'Fabrikam migration', dealValue: 50_000, currency: 'EUR', closingDateTime: `${inDays(200)}T00:00:00.000Z`, notes: 'Budget approved' },
      contacts: [],
    });
    expect(accepted.ok).to.equal(true);
    await waitFor('the notice in APAC', () => messagesTo(CHANNELS.apac).length === 1 && outboxEmpty(rig.app!));

    expect(removed.served, 'not retried').to.equal(1);
    expect(conversation(`channel:${CHANNELS.emea}`)).to.include({ active: false });
    const record = await recordOf(rig.app, 'lost-1');
    expect(record.card, 'unrouted: no card until a channel subscribes').to.equal(undefined);
    expect(record.referral.status).to.equal('Active');
    expect(outboxStatus(rig.app.store).unrouted).to.equal(1);
    const text = JSON.stringify(messagesTo(CHANNELS.apac)[0]!.body);
    expect(text).to.contain('Waiting for a channel: 1').and.to.contain('ConversationNotFound');
  });

  it('404 ConversationNotFound with another route: the card moves and its pending thread reply goes with it, into the new thread', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE);
    await seed(
      rig.app,
      [channelTarget(rig.fake.url, CHANNELS.general, 'General'), channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA')],
      [route(CHANNELS.general), route(CHANNELS.emea, { country: ['DE'] })],
    );
    await takeIn(rig.app, [rfiFrom('moving-1', 'DE')]);
    await waitFor('the card in EMEA', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));

    // The playground restarted (or the channel was deleted): EMEA is gone as the seller accepts.
    rig.fake.fail(CHANNELS.emea, { status: 404, code: 'ConversationNotFound' }, Infinity);
    const { applyCommand } = await import('../../../bot/use-cases/apply-command.js');
    const accepted = await applyCommand(rig.app.commands, 'moving-1', {
      type: 'accept',
      actor: seller,
      fields: { name: 'Fabrikam migration', dealValue: 50_000, currency: 'EUR', closingDateTime: `${inDays(200)}T00:00:00.000Z` },
      contacts: [],
    });
    expect(accepted.ok).to.equal(true);
    await waitFor('the card and the reply in General', () => postedReferralIds(rig.fake, CHANNELS.general).length === 1 && outboxEmpty(rig.app!));

    const record = await recordOf(rig.app, 'moving-1');
    expect(record.card?.target).to.equal(`channel:${CHANNELS.general}`);
    const replies = rig.fake.newMessages().filter((r) => r.isThreadReply && r.conversationId === `${CHANNELS.general};messageid=${record.card!.activityId}`);
    expect(replies, 'the "accepted by" reply, in the new thread').to.have.length(1);
    expect(JSON.stringify(replies[0]!.body)).to.include(seller.name);
  });

  it('a conversation marked inactive elsewhere (uninstall) has its open cards re-routed by the rescan', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE, { MANAGER_IDS: MANAGER.aadObjectId });
    await seed(
      rig.app,
      [channelTarget(rig.fake.url, CHANNELS.general, 'General'), channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA'), personalTarget(rig.fake.url, MANAGER)],
      [route(CHANNELS.general), route(CHANNELS.emea, { country: ['DE'] })],
    );
    await takeIn(rig.app, [rfiFrom('uninstalled-1', 'DE')]);
    await waitFor('the card in EMEA', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));
    await rig.app.store.updateState((state) => {
      const key = `channel:${CHANNELS.emea}`;
      const target = state.conversations[key] as ConversationTarget;
      return {
        state: { ...state, conversations: { ...state.conversations, [key]: { ...target, active: false, inactiveReason: 'uninstalled' } } },
        result: undefined,
      };
    });
    await waitFor('the card moved to General', () => postedReferralIds(rig.fake, CHANNELS.general).length === 1 && outboxEmpty(rig.app!));
    expect((await recordOf(rig.app, 'uninstalled-1')).card?.target).to.equal(`channel:${CHANNELS.general}`);
    await waitFor('the manager told', () => messagesTo(personalConversationIdFor(MANAGER.id)).length === 1);
    expect(JSON.stringify(messagesTo(personalConversationIdFor(MANAGER.id))[0]!.body)).to.contain('uninstalled');
  });

  it('403 ConversationBlockedByUser in a personal chat: the chat is inactive and its messages dropped, nothing retried', async () => {
    rig.app = await startTestService(rig.dataDir, SCALE);
    await seed(rig.app, [personalTarget(rig.fake.url, MANAGER)]);
    const chat = personalConversationIdFor(MANAGER.id);
    const blocked = rig.fake.fail(chat, { status: 403, code: 'ConversationBlockedByUser' }, Infinity);
    const item = (id: string) => ({
      id,
      kind: 'personal' as const,
      target: `user:${MANAGER.aadObjectId}`,
      message: { key: 'welcome' as const },
      createdAt: new Date().toISOString(),
      attempts: 0,
      state: 'pending' as const,
    });
    await rig.app.store.updateState((state) => ({ state: { ...state, outbox: [...state.outbox, item('p-1'), item('p-2')] }, result: undefined }));
    rig.app.sender.wake();
    await waitFor('the chat retired', () => conversation(`user:${MANAGER.aadObjectId}`).active === false && outboxEmpty(rig.app!));
    expect(blocked.served).to.equal(1);
    expect(conversation(`user:${MANAGER.aadObjectId}`).inactiveReason).to.match(/ConversationBlockedByUser/);
  });
});
