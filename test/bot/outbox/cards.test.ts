// Card updates coalesce into one update showing the latest state; an update queued before the
// card's post is settled by the post; thread replies wait for the card's activity id and keep
// their order.

import { expect } from 'chai';
import { applyCommand } from '../../../bot/use-cases/apply-command.js';
import type { Command } from '../../../referrals/commands.js';
import type { FakeConnector } from '../../support/fake-connector.js';
import { removeDir, tempDataDir, type TestService } from '../../support/start-service.js';
import { fixture } from '../../support/teams-activities.js';
import {
  CHANNELS,
  cardOf,
  cardRef,
  channelTarget,
  outboxEmpty,
  postedReferralIds,
  recordOf,
  rfiFrom,
  route,
  seed,
  startLimitedFake,
  startTestService,
  takeIn,
} from '../../support/outbox.js';
import { inDays } from '../../support/builders.js';
import { waitFor } from '../../support/wait-for.js';

const SCALE = 0.05;
const seller = { id: fixture.users.anna.aadObjectId, name: fixture.users.anna.name };
const accept: Command = {
  type: 'accept',
  actor: seller,
  fields: { name: 'Fabrikam migration', dealValue: 50_000, currency: 'EUR', closingDateTime: `${inDays(200)}T00:00:00.000Z`, notes: 'Budget approved' },
  contacts: [],
};

describe('outbox: card updates and thread replies (component)', function () {
  this.timeout(20_000);
  let fake: FakeConnector;
  let app: TestService;
  let dataDir: string;

  beforeEach(async () => {
    fake = await startLimitedFake(SCALE);
    dataDir = await tempDataDir();
    // A slow first retry (300–600 ms) leaves time to change the referral while an item waits.
    app = await startTestService(dataDir, SCALE, {}, { retry: { baseMs: 600 } });
    await seed(app, [channelTarget(fake.url, CHANNELS.emea, 'EMEA')], [route(CHANNELS.emea)]);
  });
  afterEach(async () => {
    await app.stop();
    await fake.close();
    await removeDir(dataDir);
  });

  const run = async (id: string, command: Command) => {
    const result = await applyCommand(app.commands, id, command);
    expect(result.ok, `${command.type}: ${result.ok ? '' : result.error.message}`).to.equal(true);
  };

  it('several pending updates of one card go out as ONE update showing the latest state, then the replies in order', async () => {
    await takeIn(app, [rfiFrom('co-1', 'DE')]);
    await waitFor('the card posted', () => postedReferralIds(fake, CHANNELS.emea).length === 1 && outboxEmpty(app));
    const root = (await recordOf(app, 'co-1')).card!.activityId!;

    const failedUpdate = fake.fail({ op: 'updateActivity' }, { status: 503 });
    await run('co-1', accept);
    await waitFor('the first update attempt failed', () => failedUpdate.served === 1);
    await run('co-1', { type: 'editEngagement', actor: seller, changes: { name: 'Fabrikam migration, phase 1' } });
    await run('co-1', { type: 'editEngagement', actor: seller, changes: { dealValue: 75_000 } });
    await run('co-1', { type: 'addContact', actor: seller, contact: { firstName: 'Bruno', lastName: 'Costa', email: 'bruno.costa@contoso-partner.example' } });
    const queued = (await recordOf(app, 'co-1')).outbox.filter((item) => item.kind === 'updateCard');
    expect(queued, 'four updates queued').to.have.length(4);

    await waitFor('everything sent', () => outboxEmpty(app), 10_000);
    const record = await recordOf(app, 'co-1');
    const updates = fake.updates(root);
    expect(updates, 'one update for four changes').to.have.length(1);
    expect(cardRef(cardOf(updates[0]!))?.version, 'the latest state').to.equal(record.referral.version);
    expect(JSON.stringify(fake.card(root)))
      .to.contain('Fabrikam migration, phase 1')
      .and.to.contain('Bruno');
    expect(record.card?.shownVersion).to.equal(record.referral.version);

    const replies = fake.threadReplies(root).map((message) => String(message.activity['text']));
    expect(replies).to.have.length(4);
    expect(replies[0]).to.match(/Accepted by Anna Schmidt/);
    expect(replies[1]).to.match(/Engagement edited/);
    expect(replies[2]).to.match(/Engagement edited/);
    expect(replies[3]).to.match(/Contact added/);
    // Replies go to the card's thread: <channel>;messageid=<card>.
    const replyRequests = fake.replies();
    expect(replyRequests.every((request) => request.conversationId === `${CHANNELS.emea};messageid=${root}`)).to.equal(true);
  });

  it('an update queued before the card is posted is settled by the post; the reply waits for the card', async () => {
    const failedPost = fake.fail({ op: 'sendToConversation', conversationId: CHANNELS.emea }, { status: 503 });
    await takeIn(app, [rfiFrom('early-1', 'DE')]);
    await waitFor('the first post attempt failed', () => failedPost.served === 1);
    await run('early-1', accept);
    const waiting = await recordOf(app, 'early-1');
    expect(waiting.card?.activityId, 'not posted yet').to.equal(undefined);
    expect(waiting.outbox.map((item) => item.kind)).to.deep.equal(['postCard', 'updateCard', 'threadReply']);

    await waitFor('everything sent', () => outboxEmpty(app), 10_000);
    const record = await recordOf(app, 'early-1');
    const root = record.card!.activityId!;
    expect(fake.updates(), 'no update: the post shows the current state').to.have.length(0);
    expect(cardRef(fake.card(root))?.version).to.equal(record.referral.version);
    expect(record.card?.shownVersion).to.equal(record.referral.version);
    const replies = fake.threadReplies(root);
    expect(replies).to.have.length(1);
    const post = fake.posts().find((request) => request.messageId === root)!;
    expect(replies[0]!.createdBySeq, 'the reply came after the post').to.be.greaterThan(post.seq);
  });
});
