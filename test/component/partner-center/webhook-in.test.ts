// Partner Center → the bot: a signed `referral-created` webhook is verified, recorded, answered
// 200, and the referral fetched by id and posted as a card; the docs' own example shows right.
// Real service in a child process; fake Partner Center (HTTPS authority, API, signer); fake Teams.

import { createPrivateKey, sign } from 'node:crypto';
import { expect } from 'chai';
import type { SignedEvent } from '../../support/fake-partner-center/index.js';
import { getReferral, request } from '../../support/intake-client.js';
import { documentedReferral, EMEA, firstPoll, health, login, startBot, startRig, stopRig, subscribeEmea, waitFor, type Rig } from './harness.js';

describe('Partner Center webhook in (component)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('a signed referral-created → fetched by id → the card in the channel: the docs’ co-sell example in words, its ids kept in the API and the export', async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    // The poll that follows a sign-in is over before Partner Center has the referral: only the event brings it.
    await firstPoll(rig);
    rig.pc.api.put(documentedReferral('61c65491-2f2c-461a-84b4-3654499bc1d9'));

    const answer = await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', '61c65491-2f2c-461a-84b4-3654499bc1d9'));
    expect(answer.status).to.equal(200);
    const post = await waitFor('the card', () =>
      rig!.teams.posts().find((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes('61c65491-2f2c-461a-84b4-3654499bc1d9')),
    );
    const card = JSON.stringify(post.body);
    expect(card).to.include('Contoso Customer Inc').and.include('Dynamics 365 Enterprise').and.include('Deployment or Migration');
    expect(card).to.include('Dynamics 365 for Field Service');
    // The docs' example comes from Microsoft: the Microsoft line, John's note, John himself.
    expect(card).to.include('Microsoft invited you to this deal').and.include('Hi ABC Partner, Can you help this customer?');
    expect(card).to.include('John Doe').and.include('john.doe@microsoft.com');
    const fetched = rig.pc.api.requests.filter((request) => request.method === 'GET' && request.path.endsWith('/61c65491-2f2c-461a-84b4-3654499bc1d9'));
    expect(fetched).to.have.length(1);
    expect(fetched[0]!.headers.authorization).to.match(/^Bearer [\w-]+\.[\w-]+\.fake-at-/);

    const stored = await getReferral(rig.bot!.url, '61c65491-2f2c-461a-84b4-3654499bc1d9');
    expect(stored.body.status).to.equal('New');
    expect(stored.body.details.requirements).to.deep.equal({
      industries: [{ id: 'Manufacturing', name: 'Manufacturing' }],
      products: [{ id: 'Dynamics365Enterprise', name: 'Dynamics 365 Enterprise' }],
      services: [{ id: 'DeploymentOrMigration', name: 'Deployment or Migration' }],
      solutions: [{ id: 'Dynamics365forFieldService', name: 'Dynamics 365 for Field Service', type: 'Category' }],
    });
    expect(stored.body.inviteContext).to.deep.equal(documentedReferral('x')['inviteContext']);
    const exported = await request(`${rig.bot!.url}/api/referrals/export?format=json`);
    expect(exported.body.items[0]).to.include({
      products: 'Dynamics365Enterprise',
      services: 'DeploymentOrMigration',
      solutions: 'Dynamics365forFieldService',
    });
    const status = await health(rig);
    expect(status.partnerCenter).to.include({ enabled: true, signedInAs: 'maria@partner.example', eventsWaiting: 0 });
    expect(status.partnerCenter.lastWebhookAt).to.be.a('string');
  });
});

describe('Partner Center webhook in: what is refused (component)', function () {
  this.timeout(60_000);
  let rig: Rig;
  const id = 'pc-hostile-1';

  before(async () => {
    rig = await startRig();
    await startBot(rig);
    await login(rig);
    // Partner Center holds the referral only in the last test: whatever the bot fetched before would show.
  });
  after(() => stopRig(rig));

  function fetches(): number {
    // Referral fetches (the poll's list requests are not what an event causes).
    return rig.pc.api.requests.filter((request) => request.method === 'GET' && request.path !== '/v1.0/engagements/referrals').length;
  }

  type Case = [name: string, make: () => SignedEvent, status: number];
  const resign = (body: Buffer, event: SignedEvent): SignedEvent => {
    const signature = sign('sha256', body, createPrivateKey(rig.pc.pki.signer.keyPem)).toString('base64');
    return { body, headers: { ...event.headers, authorization: `Signature ${signature}` } };
  };
  const cases: Case[] = [
    ['no signature at all', () => ({ ...rig.pc.event('referral-created', id), headers: { 'content-type': 'application/json' } }), 401],
    [
      'no Authorization header',
      () => {
        const event = rig.pc.event('referral-created', id);
        const { authorization: _a, ...headers } = event.headers;
        return { ...event, headers };
      },
      401,
    ],
    [
      'a signature algorithm other than rsa-sha256',
      () => {
        const event = rig.pc.event('referral-created', id);
        return { ...event, headers: { ...event.headers, 'x-ms-signature-algorithm': 'hmac-sha256' } };
      },
      401,
    ],
    [
      'a body changed after signing',
      () => {
        const event = rig.pc.event('referral-created', id);
        return { ...event, body: Buffer.from(event.body.toString().replace('referral-created', 'referral-updated')) };
      },
      401,
    ],
    [
      'a signature that is not base64',
      () => {
        const event = rig.pc.event('referral-created', id);
        return { ...event, headers: { ...event.headers, authorization: 'Signature not*base64!' } };
      },
      401,
    ],
    [
      'a certificate URL outside the allowed prefixes',
      () => {
        const event = rig.pc.event('referral-created', id);
        return { ...event, headers: { ...event.headers, 'x-ms-certificate-url': 'http://127.0.0.1:9/evil/pcnotifications.cer' } };
      },
      401,
    ],
    [
      'a certificate URL that climbs out of the prefix',
      () => {
        const event = rig.pc.event('referral-created', id);
        return { ...event, headers: { ...event.headers, 'x-ms-certificate-url': `${rig.pc.certBase}/cert/../elsewhere/pcnotifications.cer` } };
      },
      401,
    ],
    ['a certificate URL that redirects', () => rig.pc.event('referral-created', id, { certName: 'redirect.cer' }), 401],
    ['a certificate URL that answers 404', () => rig.pc.event('referral-created', id, { certName: 'missing.cer' }), 401],
    [
      'signed by a certificate of another organisation',
      () => rig.pc.event('referral-created', id, { signer: rig.pc.pki.otherOrganisation, certName: 'other-organisation.cer' }),
      401,
    ],
    [
      'signed by a certificate that chains to no trusted root',
      () => rig.pc.event('referral-created', id, { signer: rig.pc.pki.untrusted, certName: 'untrusted.cer' }),
      401,
    ],
    ['signed by an expired certificate', () => rig.pc.event('referral-created', id, { signer: rig.pc.pki.expired, certName: 'expired.cer' }), 401],
    ['signed with a key that is not the certificate’s', () => rig.pc.event('referral-created', id, { signer: rig.pc.pki.otherOrganisation }), 401],
    ['signed, but not JSON', () => resign(Buffer.from('EventName=referral-created'), rig.pc.event('referral-created', id)), 400],
    ['signed, but not an envelope', () => resign(Buffer.from(JSON.stringify({ ResourceUri: 'x' })), rig.pc.event('referral-created', id)), 400],
    [
      'signed, but the ResourceUri names no referral',
      () =>
        resign(
          Buffer.from(JSON.stringify({ EventName: 'referral-created', ResourceUri: 'https://api.partnercenter.microsoft.com/engagements/v1/customers/42' })),
          rig.pc.event('referral-created', id),
        ),
      400,
    ],
    [
      'signed, but the referral id is not one',
      () =>
        resign(
          Buffer.from(
            JSON.stringify({ EventName: 'referral-created', ResourceUri: 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/%E2%80%AEevil' }),
          ),
          rig.pc.event('referral-created', id),
        ),
      400,
    ],
  ];
  for (const [name, make, status] of cases) {
    it(`${name} → ${status}, nothing fetched, nothing stored`, async () => {
      const before = fetches();
      const answer = await rig.pc.deliver(rig.bot!.url, make());
      expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
      expect(answer.body).to.have.property('error').that.is.a('string');
      // An accepted event is in the inbox before the answer, and leaves it only after its fetch: so
      // an empty inbox now, then no fetch, proves none was accepted (no wait needed).
      expect((await health(rig)).partnerCenter.eventsWaiting).to.equal(0);
      expect(fetches()).to.equal(before);
      expect((await getReferral(rig.bot!.url, id)).status).to.equal(404);
    });
  }

  it('invented certificate names under the allowed prefix: one fetch a minute per name, a 401 that says nothing of why, one log line', async () => {
    const linesBefore = rig
      .bot!.output()
      .split('\n')
      .filter((line) => line.includes('webhook refused')).length;
    const invented = (n: number) => rig.pc.event('referral-created', id, { certName: `invented-${n}.cer` });
    for (let round = 0; round < 3; round++) {
      for (const n of [1, 2]) {
        const answer = await rig.pc.deliver(rig.bot!.url, invented(n));
        expect(answer.status).to.equal(401);
        expect(answer.body).to.deep.equal({ error: 'the signature is not valid' });
      }
    }
    expect(rig.pc.certFetches.filter((path) => path.includes('/invented-'))).to.deep.equal(['/cert/invented-1.cer', '/cert/invented-2.cer']);
    const lines = rig
      .bot!.output()
      .split('\n')
      .filter((line) => line.includes('webhook refused'));
    expect(lines.length - linesBefore).to.be.at.most(1);
  });

  it('an event it does not know (test-created) → 200, ignored, nothing fetched', async () => {
    const before = fetches();
    const answer = await rig.pc.deliver(rig.bot!.url, rig.pc.event('test-created', id));
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ ignored: 'test-created' });
    expect(fetches()).to.equal(before);
  });

  it('x-ms-signature instead of Authorization is taken; an event delivered again changes nothing twice', async () => {
    rig.pc.api.put(documentedReferral(id));
    const first = await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', id, { headerStyle: 'x-ms-signature' }));
    expect(first.status).to.equal(200);
    await waitFor('taken in', async () => (await getReferral(rig.bot!.url, id)).status === 200);
    const version = (await getReferral(rig.bot!.url, id)).body.version;
    const again = await rig.pc.deliver(rig.bot!.url, rig.pc.event('referral-created', id));
    expect(again.status).to.equal(200);
    await waitFor('the event fetched', async () => (await health(rig)).partnerCenter.eventsWaiting === 0);
    expect((await getReferral(rig.bot!.url, id)).body.version).to.equal(version);
  });
});
