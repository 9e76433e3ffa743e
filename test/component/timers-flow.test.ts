// The scheduler end to end: the real service with durations of a few seconds and a fake Teams
// connector. The reminder, the "expires soon" notice and the expiry arrive once each, in order,
// in the card's thread; the card loses its buttons; a restart between two due times loses and
// repeats nothing.

import { expect } from 'chai';
import { outboxEmpty } from '../support/outbox.js';
import { waitFor } from '../support/wait-for.js';
import { sendActivity } from '../support/bot-client.js';
import { cardButtons } from '../support/card-buttons.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral, postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { channelMention, fixture, installationUpdate, personalMessage } from '../support/teams-activities.js';

const EMEA = fixture.team.emea;
/** Remind at 2 s, warn at 4 s (2 s before expiry), expire at 6 s. */
const FAST = { RESPOND_WITHIN: 'PT2S', EXPIRE_AFTER: 'PT6S', EXPIRY_WARNING_BEFORE: 'PT2S' };

function replyTexts(fake: FakeConnector, rootId: string): string[] {
  return fake.threadReplies(rootId).map((message) => String(message.activity?.text ?? JSON.stringify(message.activity)));
}

describe('timers (component)', function () {
  this.timeout(40_000);
  let fake: FakeConnector;
  let service: TestService | undefined;

  beforeEach(async () => {
    fake = await startFakeConnector();
  });
  afterEach(async () => {
    if (service) {
      await service.stop();
      await removeDir(service.dataDir);
      service = undefined;
    }
    await fake.close();
  });

  async function subscribeAndPost(id: string): Promise<string> {
    await sendActivity(service!.url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(service!.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
    expect((await postReferral(service!.url, sampleRfi(id, { createdDateTime: undefined }))).status).to.equal(201);
    const post = await fake.waitFor((requests) =>
      requests.find((r) => r.outcome === 'ok' && !r.isThreadReply && JSON.stringify(r.body).includes(`"referralId":"${id}"`)),
    );
    return post.messageId as string;
  }

  it('reminder, expiry warning and expiry arrive once each, in order, in the card thread; the card closes', async () => {
    service = await startService(FAST);
    const cardId = await subscribeAndPost('rfi-timers');
    await fake.waitFor(() => replyTexts(fake, cardId).some((text) => /Expired/.test(text)), 12_000);
    // Expired is the last timer: once everything queued is sent, nothing more may come.
    await waitFor('everything queued is sent', () => outboxEmpty(service!));

    const replies = replyTexts(fake, cardId);
    expect(replies).to.have.length(3);
    expect(replies[0]).to.match(/Not answered within/);
    expect(replies[1]).to.match(/Expires soon/);
    expect(replies[2]).to.match(/Expired/);

    const card = fake.card(cardId);
    expect(cardButtons(card)).to.have.length(0);
    expect(JSON.stringify(card)).not.to.include('anna.schmidt@fabrikam.example');

    const stored = (await getReferral(service.url, 'rfi-timers')).body;
    expect(stored).to.include({ status: 'Closed', substatus: 'Expired' });
    expect(stored.history.map((event: { type: string }) => event.type)).to.deep.equal(['received', 'reminded', 'expiryWarned', 'expired']);
  });

  it('a restart between two due times: every notice still arrives exactly once', async () => {
    service = await startService(FAST);
    const dataDir = service.dataDir;
    const cardId = await subscribeAndPost('rfi-restart');
    await fake.waitFor(() => replyTexts(fake, cardId).some((text) => /Not answered within/.test(text)), 8_000);
    const { expirationDateTime } = (await getReferral(service.url, 'rfi-restart')).body as { expirationDateTime: string };
    await service.stop();
    // Down while the warning (2 s before the expiry) falls due; back before the expiry.
    const warningDue = Date.parse(expirationDateTime) - 2_000;
    await waitFor('the warning falls due while the service is down', () => Date.now() > warningDue, 8_000);
    expect(Date.now(), 'back before the expiry').to.be.below(Date.parse(expirationDateTime));
    service = await startService({ ...FAST, DATA_DIR: dataDir });
    await fake.waitFor(() => replyTexts(fake, cardId).some((text) => /Expired/.test(text)), 12_000);
    await waitFor('everything queued is sent', () => outboxEmpty(service!));

    const replies = replyTexts(fake, cardId);
    expect(replies.filter((text) => /Not answered within/.test(text))).to.have.length(1);
    expect(replies.filter((text) => /Expires soon/.test(text))).to.have.length(1);
    expect(replies.filter((text) => /Expired/.test(text))).to.have.length(1);
    const stored = (await getReferral(service.url, 'rfi-restart')).body;
    expect(stored.history.map((event: { type: string }) => event.type)).to.deep.equal(['received', 'reminded', 'expiryWarned', 'expired']);
  });

  it('an accepted referral gets no reminder', async () => {
    service = await startService({ ...FAST, RESPOND_WITHIN: 'PT3S' });
    const cardId = await subscribeAndPost('rfi-answered');
    const { applyCommand } = await import('../../bot/use-cases/apply-command.js');
    const result = await applyCommand(service.commands, 'rfi-answered', {
      type: 'accept',
      actor: { id: fixture.users['anna']!.aadObjectId, name: 'Anna' },
      fields: { name: 'Deal', dealValue: 1, currency: 'EUR', closingDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      contacts: [],
    });
    expect(result.ok).to.equal(true);
    // A later referral's reminder proves the absence: the scheduler fires in due order, so had this
    // one been reminded, it would have been before the marker was.
    expect((await postReferral(service.url, sampleRfi('rfi-marker', { createdDateTime: undefined }))).status).to.equal(201);
    await waitFor('the marker reminded', async () =>
      ((await getReferral(service!.url, 'rfi-marker')).body.history as { type: string }[]).some((event) => event.type === 'reminded'),
    );
    await waitFor('everything queued is sent', () => outboxEmpty(service!));
    expect(replyTexts(fake, cardId).filter((text) => /Not answered within/.test(text))).to.have.length(0);
    const stored = (await getReferral(service.url, 'rfi-answered')).body;
    expect(stored.history.map((event: { type: string }) => event.type)).to.deep.equal(['received', 'accepted']);
  });

  it('close date passed: a personal reminder to the owner and a thread reply, repeated every CLOSE_REMINDER_EVERY', async () => {
    service = await startService({ CLOSE_REMINDER_EVERY: 'PT2S' });
    const anna = fixture.users['anna']!;
    // A personal chat with the bot is how it can reach the owner personally.
    await sendActivity(service.url, personalMessage('help', { serviceUrl: fake.url, from: anna }));
    const cardId = await subscribeAndPost('rfi-close-date');
    const { applyCommand } = await import('../../bot/use-cases/apply-command.js');
    const result = await applyCommand(service.commands, 'rfi-close-date', {
      type: 'accept',
      actor: { id: anna.aadObjectId, name: anna.name },
      // Yesterday's date: it passed at midnight, so the reminder is due at once (the API allows a
      // past close date; only the card form refuses one).
      fields: {
        name: 'Deal',
        dealValue: 1000,
        currency: 'EUR',
        closingDateTime: `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`,
      },
      contacts: [],
    });
    expect(result.ok).to.equal(true);
    const personal = () =>
      fake.requests.filter((r) => r.outcome === 'ok' && r.conversationId === anna.personalConversationId && JSON.stringify(r.body).includes('has passed'));
    // The thread reply and the personal copy of one reminder are separate sends: wait for both.
    await fake.waitFor(
      () => (replyTexts(fake, cardId).filter((text) => /close date .* has passed/.test(text)).length >= 2 && personal().length >= 2) || undefined,
      10_000,
    );
    const stored = (await getReferral(service.url, 'rfi-close-date')).body;
    expect(stored.history.filter((event: { type: string }) => event.type === 'closeDatePassed').length).to.be.at.least(2);
  });
});
