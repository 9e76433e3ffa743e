// Partner Center's own changes reach the card through the one command path (a referral closed or
// accepted there), a missed webhook is taken in by the next poll, and a dead sign-in holds the
// writes, tells the managers in chat, and sends everything once a manager connects again from chat.

import { expect } from 'chai';
import { sendActivity } from '../../support/bot-client.js';
import { fixture, personalMessage } from '../../support/teams-activities.js';
import {
  accept,
  act,
  appliedPatches,
  documentedReferral,
  EMEA,
  health,
  login,
  referralFromPartnerCenter,
  startBot,
  startRig,
  stopRig,
  storedReferral,
  subscribeEmea,
  waitFor,
  type Rig,
} from './harness.js';

const maria = fixture.users['maria']!;

describe('Partner Center changes and the connection (component)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('closed in Partner Center → a referral-updated webhook → the card closes for everyone and the thread says where it changed', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    const cardId = await referralFromPartnerCenter(rig, documentedReferral('pc-closed-there'));
    rig.pc.api.change('pc-closed-there', { status: 'Closed', substatus: 'Expired' });
    expect((await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-updated', 'pc-closed-there'))).status).to.equal(200);

    await waitFor('closed', async () => (await storedReferral(rig!, 'pc-closed-there')).status === 'Closed');
    const stored = await storedReferral(rig, 'pc-closed-there');
    expect(stored.substatus).to.equal('Expired');
    expect(stored.history.at(-1)).to.include({ type: 'changedInPartnerCenter' });
    const card = await waitFor('the card updated', () => (rig!.teams.updates(cardId).length > 0 ? JSON.stringify(rig!.teams.card(cardId)) : undefined));
    expect(card).to.include('in Partner Center').and.not.include('"verb":"open"');
    const reply = await waitFor('the reply', () => rig!.teams.threadReplies(cardId)[0]);
    expect(JSON.stringify(reply.activity)).to.include('Changed in Partner Center');
    // Nothing goes back: the change came from there.
    expect(rig.pc.api.patches('pc-closed-there')).to.have.length(0);
  });

  it('accepted by a colleague in Partner Center: the card shows Active with their numbers, and nothing is written back', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    await referralFromPartnerCenter(rig, documentedReferral('pc-accepted-there'));
    const details = rig.pc.api.get('pc-accepted-there')!['details'] as Record<string, unknown>;
    rig.pc.api.change('pc-accepted-there', { status: 'Active', substatus: 'Accepted', details: { ...details, dealValue: 64000, currency: 'USD' } });
    await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-updated', 'pc-accepted-there'));
    await waitFor('active', async () => (await storedReferral(rig!, 'pc-accepted-there')).status === 'Active');
    expect((await storedReferral(rig, 'pc-accepted-there')).details).to.include({ dealValue: 64000, currency: 'USD' });
    expect(rig.pc.api.patches()).to.have.length(0);
  });

  it('a webhook Partner Center never delivered: the next poll takes the referral in; later polls ask only for changes', async () => {
    rig = await startRig({ PARTNER_CENTER_POLL_EVERY: 'PT1S' });
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    rig.pc.api.put(documentedReferral('pc-missed'));
    await waitFor('the card from the poll', () =>
      rig!.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('pc-missed')),
    );
    const lists = () => rig!.pc.api.requests.filter((request) => request.path === '/v1.0/engagements/referrals');
    const polled = lists().length;
    await waitFor('another poll', () => lists().length > polled);
    const latest = lists().at(-1)!;
    expect(latest.query.get('$filter')).to.match(/^updatedDateTime ge \d{4}-\d\d-\d\dT/);
    expect((await health(rig)).partnerCenter.lastPollAt).to.be.a('string');
    expect(rig.teams.posts().filter((request) => JSON.stringify(request.body).includes('pc-missed'))).to.have.length(1);
  });

  it('referrals already closed in Partner Center: taken in as history with no card, and polls that list them again keep working', async () => {
    rig = await startRig({ PARTNER_CENTER_POLL_EVERY: 'PT1S' });
    await startBot(rig);
    await subscribeEmea(rig);
    rig.pc.api.put(documentedReferral('pc-history', { status: 'Closed', substatus: 'Expired' }));
    await login(rig);
    await waitFor('archived', async () => (await health(rig!)).referrals.archived === 1);
    // Every poll lists it again for a minute (the overlap that catches late writes in Partner Center).
    const lists = () => rig!.pc.api.requests.filter((request) => request.path === '/v1.0/engagements/referrals').length;
    const seen = lists();
    await waitFor('two more polls', () => lists() >= seen + 2);
    expect((await health(rig)).partnerCenter.lastPollError).to.equal(undefined);
    rig.pc.api.put(documentedReferral('pc-after-history'));
    await waitFor('the next referral still taken in', () => rig!.teams.posts().find((request) => JSON.stringify(request.body).includes('pc-after-history')));
    const historyPosts = rig.teams.posts().filter((request) => JSON.stringify(request.body).includes('pc-history'));
    expect(historyPosts).to.have.length(0);
    expect((await storedReferral(rig, 'pc-history')).substatus).to.equal('Expired');
  });

  it('Partner Center refuses the changed-since query: the poll falls back to New and Active by status, and still finds what closed there', async () => {
    rig = await startRig({ PARTNER_CENTER_POLL_EVERY: 'PT1S' });
    rig.pc.api.documentedQueriesOnly = true;
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    rig.pc.api.put(documentedReferral('pc-open-missed'));
    const cardId = await waitFor('the card from the fallback poll', () =>
      rig!.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('pc-open-missed')),
    ).then((request) => request.messageId!);
    expect((await health(rig)).partnerCenter).to.include({ pollMode: 'openWork' });
    expect((await health(rig)).partnerCenter.lastPollError).to.equal(undefined);
    // The card may go out while that poll still lists Active: wait for the poll, not for its first half.
    const filters = () =>
      rig!.pc.api.requests
        .filter((request) => request.path === '/v1.0/engagements/referrals' && request.status === 200)
        .map((request) => request.query.get('$filter'));
    await waitFor('the fallback poll lists New and Active', (seen) => {
      seen(filters());
      return filters().includes("status eq 'New'") && filters().includes("status eq 'Active'");
    });

    // Closed there, no webhook: it is in neither list, so the poll asks for it by id and closes the card.
    rig.pc.api.change('pc-open-missed', { status: 'Closed', substatus: 'Lost', statusReason: 'Other' });
    await waitFor('closed by the poll', async () => (await storedReferral(rig!, 'pc-open-missed')).status === 'Closed');
    expect((await storedReferral(rig, 'pc-open-missed')).substatus).to.equal('Lost');
    await waitFor('the card updated', () => rig!.teams.updates(cardId).length > 0);
    expect(rig.pc.api.requests.some((request) => request.method === 'GET' && request.path.endsWith('/pc-open-missed'))).to.equal(true);
  });

  it('the refresh token dies: managers are told in chat, decisions wait and nothing goes out with the refused token; after "connect partner-center" in chat it is written', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    // Maria has a personal chat with the bot (where managers are told).
    await sendActivity(rig.bot!.url, personalMessage('help', { serviceUrl: rig.teams.url, from: maria }));
    const cardId = await referralFromPartnerCenter(rig, documentedReferral('pc-held'));
    const secondCard = await referralFromPartnerCenter(rig, documentedReferral('pc-held-2'));

    rig.pc.authority.revokeRefreshTokens();
    rig.pc.authority.expireAccessTokens();
    await accept(rig, cardId, 'pc-held');
    const told = await waitFor('managers told', () =>
      rig!.teams
        .posts()
        .find((request) => request.conversationId === maria.personalConversationId && JSON.stringify(request.body).includes('cannot reach Partner Center')),
    );
    expect(JSON.stringify(told.body)).to.include('90 days');
    const status = (await health(rig)).partnerCenter;
    expect(status.needsSignIn).to.include('90 days');
    expect(status.pendingWrites).to.equal(1);
    expect(appliedPatches(rig, 'pc-held')).to.have.length(0);
    expect((await storedReferral(rig, 'pc-held')).status).to.equal('Active');

    // A second decision meanwhile: the writer asks the authority again, but sends nothing with the
    // access token Partner Center already refused, and the status keeps saying why.
    const refused = () => rig!.pc.api.requests.filter((request) => request.status === 401).length;
    const refusedBefore = refused();
    const grantsBefore = rig.pc.authority.grants.length;
    await act(rig, secondCard, 'submit', { referralId: 'pc-held-2', form: 'decline', reason: 'NotACustomer', notes: '' });
    await waitFor('the writer tried again', () => rig!.pc.authority.grants.length > grantsBefore);
    expect(refused()).to.equal(refusedBefore);
    expect((await health(rig)).partnerCenter).to.include({ pendingWrites: 2 });
    expect((await health(rig)).partnerCenter.needsSignIn).to.include('90 days');

    const before = rig.teams.requests.length;
    await sendActivity(rig.bot!.url, personalMessage('connect partner-center', { serviceUrl: rig.teams.url, from: maria }));
    const prompt = await waitFor('the code in chat', () =>
      rig!.teams.requests.slice(before).find((request) => /enter the code/.test(String(request.body?.text ?? ''))),
    );
    const code = /code (\S+) \(/.exec(String(prompt.body.text))![1]!;
    expect(rig.pc.authority.userCodes()).to.include(code);
    rig.pc.authority.approve(code);
    await waitFor('connected, in chat', () =>
      rig!.teams
        .posts()
        .find(
          (request) =>
            request.conversationId === maria.personalConversationId &&
            JSON.stringify(request.body).includes('Connected to Partner Center as maria@partner.example'),
        ),
    );
    await waitFor('the held Accept written', () => appliedPatches(rig!, 'pc-held').length === 1);
    await waitFor('the held Decline written', () => appliedPatches(rig!, 'pc-held-2').length === 1);
    // Partner Center answers before the bot records the answer: wait for the record.
    await waitFor('both writes recorded', async () => (await health(rig!)).partnerCenter.pendingWrites === 0);
    expect((await health(rig)).partnerCenter).to.include({ signedInAs: 'maria@partner.example' });
    expect((await health(rig)).partnerCenter.needsSignIn).to.equal(undefined);
  });
});
