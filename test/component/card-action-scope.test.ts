// Card actions are answered only where the referral is visible (docs/architecture.md#who-may-act):
// the same rule as `show`. An invoke that names a referral from another channel, another team or
// a stranger's personal chat gets "not found", sees no customer data and changes nothing.

import { expect } from 'chai';
import { sendInvoke } from '../support/bot-client.js';
import { cardInEmea } from '../support/channel-card.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { cardAction, fixture, type TeamsFixture } from '../support/teams-activities.js';

const { anna, bruno, maria } = fixture.users;
const EMEA = fixture.team.emea;

/** A second team in the same tenant, with the bot installed, that the referral was never posted to. */
const otherTeam: TeamsFixture = {
  ...fixture,
  team: {
    ...fixture.team,
    id: '19:b3RoZXItdGVhbS1zYW1lLXRlbmFudA00aa@thread.tacv2',
    name: 'Other team',
    aadGroupId: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
    general: { id: '19:b3RoZXItdGVhbS1zYW1lLXRlbmFudA00aa@thread.tacv2', name: 'General' },
    emea: { id: '19:b3RoZXItY2hhbm5lbA11bb@thread.tacv2', name: 'Sales' },
  },
};

describe('card actions are scoped to where the card is (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;
  let cardId: string;
  let before: Record<string, unknown>;
  let version: number;

  beforeEach(async () => {
    fake = await startFakeConnector();
    service = await startService({ MANAGER_IDS: maria.aadObjectId });
    cardId = await cardInEmea(service.url, fake, 'scoped');
    before = (await getReferral(service.url, 'scoped')).body as Record<string, unknown>;
    version = before['version'] as number;
  });
  afterEach(async () => {
    await service.stop();
    await fake.close();
    await removeDir(service.dataDir);
  });

  const openAccept = () => ({ referralId: 'scoped', version, form: 'accept' });
  const acceptInputs = {
    engagementName: 'Fabrikam migration',
    dealValue: '50000',
    currency: 'EUR',
    closeDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  };

  async function expectNotFound(res: Awaited<ReturnType<typeof sendInvoke>>) {
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Referral scoped was not found.' });
    expect((await getReferral(service.url, 'scoped')).body).to.deep.equal(before);
  }

  const places = {
    'another channel of the same team (General)': () => ({ channel: fixture.team.general }),
    'a channel of another team': () => ({ fx: otherTeam, channel: otherTeam.team.emea }),
    "a seller's personal chat": () => ({ personal: true, from: bruno }),
  };

  for (const [place, where] of Object.entries(places)) {
    it(`from ${place}: "show", opening the Accept form and submitting it answer not found and change nothing`, async () => {
      for (const [verb, data] of [
        ['show', { referralId: 'scoped' }],
        ['open', openAccept()],
        ['submit', { ...openAccept(), ...acceptInputs }],
      ] as const) {
        const res = await sendInvoke(service.url, cardAction({ serviceUrl: fake.url, verb, data, cardActivityId: cardId, ...where() }));
        await expectNotFound(res);
        expect(JSON.stringify(res.body)).not.to.include('anna.schmidt@fabrikam.example');
      }
    });
  }

  it('from a thread reply in the channel where the card is, the action works', async () => {
    const res = await sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'show', data: { referralId: 'scoped' }, cardActivityId: cardId, channel: EMEA }),
    );
    expect(res.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
  });

  it("a manager's personal chat sees every referral, as `show` does there", async () => {
    const res = await sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'show', data: { referralId: 'scoped' }, cardActivityId: cardId, personal: true, from: maria }),
    );
    expect(res.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
  });

  it('after accepting in the channel, the owner may act from a personal chat (where reminders reach them)', async () => {
    const accepted = await sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'submit', data: { ...openAccept(), ...acceptInputs }, cardActivityId: cardId, channel: EMEA, from: anna }),
    );
    expect(accepted.status).to.equal(200);
    expect((await getReferral(service.url, 'scoped')).body).to.include({ status: 'Active' });
    const res = await sendInvoke(
      service.url,
      cardAction({ serviceUrl: fake.url, verb: 'show', data: { referralId: 'scoped' }, cardActivityId: cardId, personal: true, from: anna }),
    );
    expect(res.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
  });

  it('a __proto__ key in submitted data supplies no form inputs', async () => {
    const data = JSON.parse(
      `{"referralId":"scoped","version":${version},"form":"accept","__proto__":{"engagementName":"Injected","dealValue":"1","currency":"EUR","closeDate":"2099-01-01"}}`,
    ) as Record<string, unknown>;
    const res = await sendInvoke(service.url, cardAction({ serviceUrl: fake.url, verb: 'submit', data, cardActivityId: cardId, channel: EMEA }));
    expect(res.body?.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.body)).not.to.include('Injected');
    expect((await getReferral(service.url, 'scoped')).body).to.deep.equal(before);
  });
});
