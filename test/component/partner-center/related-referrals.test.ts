// Referrals of one engagement together (docs/architecture.md#related-referrals): the docs' Microsoft
// referral arrives, then its Shared co-sell twin (the docs' create-a-referral co-sell body, the same
// engagementId) through a signed related-referral-created event: its card is a reply in the first
// card's thread, saying so, and the first card names it; a related-referral-updated event puts its
// change in that thread. Real bot in a child process; fake Partner Center and Teams.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  documentedReferral,
  EMEA,
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

const coSellBody = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL('../../fixtures/partner-center/create-referral-co-sell.json', import.meta.url), 'utf8')) as Record<string, unknown>;

describe('Partner Center related referrals (component)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('a related referral lands in the first card’s thread, the first card names it, and its update is told in that thread', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    const engagementId = 'b1c40bb4-6d36-4eca-baa3-e1460cf2a454';
    const firstCard = await referralFromPartnerCenter(rig, documentedReferral('pc-first', { engagementId }));

    const now = Date.now();
    rig.pc.api.put({
      ...coSellBody(),
      id: 'pc-shared-twin',
      engagementId,
      createdDateTime: new Date(now - 60_000).toISOString(),
      expirationDateTime: new Date(now + 14 * 86_400_000).toISOString(),
    });
    expect((await rig.pc.deliver(rig.bot!.url, rig.pc.event('related-referral-created', 'pc-shared-twin'))).status).to.equal(200);

    const reply = await waitFor('the twin in the first thread', () =>
      rig!.teams.threadReplies(firstCard).find((message) => JSON.stringify(message.activity).includes('"referralId":"pc-shared-twin"')),
    );
    const twin = JSON.stringify(reply.activity);
    expect(twin).to.include('Also shared with Microsoft').and.include('Test Cosell Invite').and.include('Microsoft invited you to this deal');
    expect(
      rig.teams.posts().filter((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('"referralId":"pc-shared-twin"')),
      'no card of its own in the channel',
    ).to.deep.equal([]);
    await waitFor('the first card names it', () => JSON.stringify(rig!.teams.card(firstCard)).includes('Also in this engagement: “Test Cosell Invite'));
    expect((await storedReferral(rig, 'pc-first')).related).to.deep.equal([{ id: 'pc-shared-twin', name: 'Test Cosell Invite_20' }]);

    rig.pc.api.change('pc-shared-twin', { status: 'Closed', substatus: 'Lost', statusReason: 'CustomerChoseAnotherVendor' });
    expect((await rig.pc.deliver(rig.bot!.url, rig.pc.event('related-referral-updated', 'pc-shared-twin'))).status).to.equal(200);
    await waitFor('the twin closed', async () => (await storedReferral(rig!, 'pc-shared-twin')).status === 'Closed');
    await waitFor('its change in the first thread', () =>
      rig!.teams.threadReplies(firstCard).some((message) => JSON.stringify(message.activity).includes('Changed in Partner Center')),
    );
    const twinCard = reply.id;
    await waitFor('the twin card updated in place', () => rig!.teams.updates(twinCard).length > 0);
  });
});
