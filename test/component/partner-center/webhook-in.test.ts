// Partner Center → the bot: a signed `referral-created` webhook is verified, recorded, answered
// 200, and the referral fetched by id and posted as a card; the docs' own example shows right.
// Real service in a child process; fake Partner Center (HTTPS authority, API, signer); fake Teams.

import { expect } from 'chai';
import { getReferral } from '../../support/intake-client.js';
import { documentedReferral, EMEA, health, login, startBot, startRig, stopRig, subscribeEmea, waitFor, type Rig } from './harness.js';

describe('Partner Center webhook in (component)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('a signed referral-created → fetched by id → the card in the channel, with the docs’ example shown in words', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    rig.pc.api.put(documentedReferral('61c65491-2f2c-461a-84b4-3654499bc1d9'));

    const answer = await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', '61c65491-2f2c-461a-84b4-3654499bc1d9'));
    expect(answer.status).to.equal(200);
    const post = await waitFor('the card', () =>
      rig!.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('61c65491-2f2c-461a-84b4-3654499bc1d9')),
    );
    const card = JSON.stringify(post.body);
    expect(card).to.include('Contoso Customer Inc').and.include('Dynamics 365 Enterprise').and.include('Deployment or Migration');
    expect(card).to.include('Dynamics 365 for Field Service');
    const fetched = rig.pc.api.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/61c65491-2f2c-461a-84b4-3654499bc1d9'));
    expect(fetched).to.have.length(1);
    expect(fetched[0]!.headers.authorization).to.match(/^Bearer fake-at-/);

    const stored = await getReferral(rig.bot!.url, '61c65491-2f2c-461a-84b4-3654499bc1d9');
    expect(stored.body.status).to.equal('New');
    const status = await health(rig);
    expect(status.partnerCenter).to.include({ enabled: true, signedInAs: 'maria@partner.example', eventsWaiting: 0 });
    expect(status.partnerCenter.lastWebhookAt).to.be.a('string');
  });
});
