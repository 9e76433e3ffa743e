// The Teams channel experience end to end against the real server and a fake Teams connector:
// install, subscribe, an RFI card in the channel, Accept/Decline forms, the shared card updated
// for everyone with a thread reply, who may act, races, stale cards, unknown verbs, both flows.

import { expect } from 'chai';
import { outboxEmpty } from '../support/outbox.js';
import { waitFor } from '../support/wait-for.js';
import { sendActivity, sendInvoke } from '../support/bot-client.js';
import { cardButtons } from '../support/card-buttons.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral, postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { cardAction, channelMention, fixture, installationUpdate, personalMessage } from '../support/teams-activities.js';

const { anna, bruno, maria } = fixture.users as Record<string, (typeof fixture.sellers)[number]>;
const EMEA = fixture.team.emea;

const actions = cardButtons;

function texts(card: any): string {
  return JSON.stringify(card);
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const MANAGER_ENV = { MANAGER_IDS: maria!.aadObjectId };

describe('channel experience (component)', function () {
  this.timeout(30_000);
  let fake: FakeConnector;
  let service: TestService;

  async function start(env: Record<string, string> = {}) {
    fake = await startFakeConnector();
    service = await startService({ ...MANAGER_ENV, ...env });
  }
  afterEach(async () => {
    await service?.stop();
    await fake?.close();
    if (service) await removeDir(service.dataDir);
  });

  async function installAndSubscribe(command = 'subscribe') {
    expect((await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }))).status).to.equal(200);
    const res = await sendActivity(service.url, channelMention(command, { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
    expect(res.status).to.equal(200);
  }

  /** Posts an RFI and waits for its card in EMEA; returns the card's activity id. */
  async function rfiCard(id: string, overrides: Record<string, unknown> = {}) {
    const rfi = sampleRfi(id, { createdDateTime: undefined, ...overrides });
    expect((await postReferral(service.url, rfi)).status).to.equal(201);
    const post = await fake.waitFor((requests) =>
      requests.find(
        (r) =>
          r.outcome === 'ok' && r.body?.attachments?.[0]?.content && texts(r.body).includes(`"referralId":"${id}"`) && !r.isThreadReply && r.method === 'POST',
      ),
    );
    return post.messageId as string;
  }

  function invoke(verb: string, data: Record<string, unknown>, cardActivityId: string, from = anna!) {
    return sendInvoke(service.url, cardAction({ serviceUrl: fake.url, verb, data, cardActivityId, from, channel: EMEA }));
  }

  it('install posts one welcome card, also when Teams resends the install events', async () => {
    await start();
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
    // Both installs were handled before their answers: whatever they queued is out once the outbox is empty.
    await waitFor('everything queued is sent', () => outboxEmpty(service));
    expect(fake.posts().some((r) => texts(r.body).includes('Referral Desk'))).to.equal(true);
    const welcomes = fake.posts().filter((r) => texts(r.body).includes('subscribe'));
    expect(welcomes).to.have.length(1);
  });

  it('inbox: RFI card → Accept form → invalid input kept → accepted, shared card updated, thread reply names the actor', async () => {
    await start();
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-inbox-1');
    const card = fake.card(cardId);
    expect(actions(card).map((a) => a.title)).to.deep.equal(['Accept', 'Decline']);
    expect(texts(card)).to.include('Fabrikam GmbH');

    const form = await invoke('open', { referralId: 'rfi-inbox-1', version: 1, form: 'accept' }, cardId);
    expect(form.status).to.equal(200);
    expect(form.body!.type).to.equal('application/vnd.microsoft.card.adaptive');
    const formActions = actions(form.body!.value);
    expect(formActions.at(-1)).to.include({ title: 'Cancel', associatedInputs: 'none' });

    const bad = await invoke(
      'submit',
      {
        referralId: 'rfi-inbox-1',
        version: 1,
        form: 'accept',
        engagementName: 'Fabrikam migration',
        dealValue: '-5',
        currency: 'EUR',
        closeDate: '2020-01-01',
        notes: 'x',
      },
      cardId,
    );
    expect(bad.body!.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(texts(bad.body!.value)).to.include('Fabrikam migration');
    expect(texts(bad.body!.value)).to.match(/cannot be in the past/);
    expect(texts(bad.body!.value)).to.include('Enter the expected deal value, an amount above 0.');
    expect((await getReferral(service.url, 'rfi-inbox-1')).body.status).to.equal('New');
    // What Teams sends for a typed -5 when the input has a min of 0: "0". Refused the same way.
    const zero = await invoke(
      'submit',
      { referralId: 'rfi-inbox-1', version: 1, form: 'accept', engagementName: 'Fabrikam migration', dealValue: '0', currency: 'EUR', closeDate: inDays(30) },
      cardId,
    );
    expect(texts(zero.body!.value)).to.include('Enter the expected deal value, an amount above 0.');
    expect((await getReferral(service.url, 'rfi-inbox-1')).body.status).to.equal('New');

    const good = await invoke(
      'submit',
      {
        referralId: 'rfi-inbox-1',
        version: 1,
        form: 'accept',
        engagementName: 'Fabrikam migration',
        dealValue: '50000',
        currency: 'USD',
        closeDate: inDays(30),
        notes: 'SQL to Azure',
        crmId: 'CRM-42',
      },
      cardId,
    );
    expect(good.body!.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(actions(good.body!.value).map((a) => a.title)).to.deep.equal(['Won', 'Lost', 'Edit engagement', 'Add contact', 'Hand over']);

    const stored = (await getReferral(service.url, 'rfi-inbox-1')).body;
    expect(stored).to.include({ status: 'Active', substatus: 'Accepted', name: 'Fabrikam migration', externalReferenceId: 'CRM-42' });
    expect(stored.details).to.include({ dealValue: 50000, currency: 'USD', notes: 'SQL to Azure' });
    expect(stored.history.at(-1)).to.deep.include({ type: 'accepted', actor: { id: anna!.aadObjectId, name: anna!.name } });

    const updated = await fake.waitFor(() => (fake.updates(cardId).length > 0 ? fake.card(cardId) : undefined));
    expect(actions(updated).map((a) => a.title)).to.deep.equal(['Won', 'Lost', 'Edit engagement', 'Add contact', 'Hand over']);
    const reply = await fake.waitFor(() => fake.threadReplies(cardId)[0]);
    expect(JSON.stringify(reply)).to.include(anna!.name).and.to.include('50,000');
  });

  it('only the owner or a manager may mark won/lost; others get a clear message and nothing changes', async () => {
    await start();
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-owner');
    await invoke(
      'submit',
      { referralId: 'rfi-owner', version: 1, form: 'accept', engagementName: 'E', dealValue: '30000', currency: 'EUR', closeDate: inDays(10), notes: 'n' },
      cardId,
    );
    const denied = await invoke('open', { referralId: 'rfi-owner', version: 2, form: 'lost' }, cardId, bruno);
    expect(texts(denied.body!.value)).to.include('Only the owner');
    const deniedSubmit = await invoke('submit', { referralId: 'rfi-owner', version: 2, form: 'lost', reason: 'BudgetNotAdequate' }, cardId, bruno);
    expect(texts(deniedSubmit.body!.value)).to.include('Only the owner');
    expect((await getReferral(service.url, 'rfi-owner')).body.status).to.equal('Active');

    const byManager = await invoke(
      'submit',
      { referralId: 'rfi-owner', version: 2, form: 'lost', reason: 'BudgetNotAdequate', notes: 'no money' },
      cardId,
      maria,
    );
    expect(actions(byManager.body!.value)).to.have.length(0);
    const stored = (await getReferral(service.url, 'rfi-owner')).body;
    expect(stored).to.include({ status: 'Closed', substatus: 'Lost', statusReason: 'BudgetNotAdequate' });
  });

  it('two people pressing Accept at once: exactly one wins, the other sees who took it', async () => {
    await start();
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-race');
    const submit = (from: typeof anna) =>
      invoke(
        'submit',
        {
          referralId: 'rfi-race',
          version: 1,
          form: 'accept',
          engagementName: `By ${from!.name}`,
          dealValue: '1000',
          currency: 'EUR',
          closeDate: inDays(5),
          notes: 'n',
        },
        cardId,
        from,
      );
    const [a, b] = await Promise.all([submit(anna), submit(bruno)]);
    const stored = (await getReferral(service.url, 'rfi-race')).body;
    expect(stored.history.filter((event: { type: string }) => event.type === 'accepted')).to.have.length(1);
    const loser = stored.owner.id === anna!.aadObjectId ? b : a;
    expect(texts(loser.body!.value)).to.include(`Already accepted by ${stored.owner.name}`);
  });

  it('a click on an outdated card returns the current card with what changed; decline hides contacts', async () => {
    await start();
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-stale');
    expect(texts(fake.card(cardId))).to.include('anna.schmidt@fabrikam.example');
    const declined = await invoke('submit', { referralId: 'rfi-stale', version: 1, form: 'decline', reason: 'NotACustomer', notes: 'spam' }, cardId, bruno);
    expect(actions(declined.body!.value)).to.have.length(0);
    expect(texts(declined.body!.value)).not.to.include('anna.schmidt@fabrikam.example');
    const stale = await invoke('open', { referralId: 'rfi-stale', version: 1, form: 'accept' }, cardId, anna);
    expect(stale.body!.type).to.equal('application/vnd.microsoft.card.adaptive');
    expect(texts(stale.body!.value)).to.match(/declined by/i);
    const stored = (await getReferral(service.url, 'rfi-stale')).body;
    expect(stored).to.include({ substatus: 'Declined', statusReason: 'NotACustomer' });
  });

  it('unknown verbs, unknown referrals and forged data get valid answers, never a 500', async () => {
    await start();
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-forged');
    const unknownVerb = await invoke('explode', { referralId: 'rfi-forged', version: 1 }, cardId);
    expect(unknownVerb.status).to.equal(200);
    expect(texts(unknownVerb.body!.value)).to.include('not known');
    const noReferral = await invoke('open', { referralId: 'nope', version: 1, form: 'accept' }, cardId);
    expect(noReferral.body).to.include({ type: 'application/vnd.microsoft.activity.message' });
    const forged = await invoke('submit', { referralId: 'rfi-forged', version: 'x', form: 'accept' }, cardId);
    expect(forged.status).to.equal(200);
    expect(texts(forged.body!.value)).to.include('not known');
    const forgedNoId = await invoke('submit', { version: 1, form: 'accept' }, cardId);
    expect(forgedNoId.status).to.equal(400);
    expect(forgedNoId.body).to.include({ type: 'application/vnd.microsoft.error' });
    const noAction = await sendInvoke(service.url, { ...cardAction({ serviceUrl: fake.url, verb: 'open', cardActivityId: cardId }), value: {} });
    expect(noAction.status).to.equal(400);
    const wrongVersion = await invoke('submit', { referralId: 'rfi-forged', version: 99, form: 'decline', reason: 'Other' }, cardId);
    expect(texts(wrongVersion.body!.value)).to.match(/out of date/);
    expect((await getReferral(service.url, 'rfi-forged')).body.status).to.equal('New');
  });

  it('an RFI that arrives before any channel subscribed waits and is posted on subscribe', async () => {
    await start();
    expect((await postReferral(service.url, sampleRfi('rfi-early', { createdDateTime: undefined }))).status).to.equal(201);
    await installAndSubscribe();
    await fake.waitFor((requests) => requests.find((r) => r.outcome === 'ok' && texts(r.body).includes('"referralId":"rfi-early"')));
  });

  it('routes: the most specific matching route wins; show and settings locale ru', async () => {
    await start();
    await installAndSubscribe('subscribe');
    const general = fixture.team.general;
    await sendActivity(service.url, channelMention('subscribe country=DE', { serviceUrl: fake.url, channel: general, from: fixture.manager }));
    await postReferral(service.url, sampleRfi('rfi-de', { createdDateTime: undefined }));
    const post = await fake.waitFor((requests) => requests.find((r) => r.outcome === 'ok' && texts(r.body).includes('"referralId":"rfi-de"')));
    expect(post.conversationId).to.equal(general.id);

    await sendActivity(service.url, channelMention('settings locale ru', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
    await postReferral(service.url, sampleRfi('rfi-fr', { createdDateTime: undefined, customerProfile: { name: 'Société', address: { country: 'FR' } } }));
    const frPost = await fake.waitFor((requests) => requests.find((r) => r.outcome === 'ok' && texts(r.body).includes('"referralId":"rfi-fr"')));
    expect(frPost.conversationId).to.equal(EMEA.id);
    expect(texts(frPost.body)).to.include('Принять');

    const routesBefore = fake.requests.length;
    await sendActivity(service.url, personalMessage('show rfi-de', { serviceUrl: fake.url, from: maria }));
    const shown = await fake.waitFor((requests) => requests.slice(routesBefore).find((r) => texts(r.body).includes('"referralId":"rfi-de"')));
    expect(shown).to.exist;
    // A seller who has not acted on it does not see its customer's details in a personal chat.
    const sellerBefore = fake.requests.length;
    await sendActivity(service.url, personalMessage('show rfi-de', { serviceUrl: fake.url, from: anna }));
    const hidden = await fake.waitFor((requests) => requests.slice(sellerBefore).find((r) => texts(r.body).includes('was not found')));
    expect(texts(hidden.body)).not.to.include('"referralId":"rfi-de"');
  });

  it("classic flow: I'm interested → Accept (value, close date) and No thanks → Skipped", async () => {
    await start({ REFERRAL_FLOW: 'classic' });
    await installAndSubscribe();
    const cardId = await rfiCard('rfi-classic');
    expect(actions(fake.card(cardId)).map((a) => a.title)).to.deep.equal(["I'm interested", 'No thanks']);
    expect(texts(fake.card(cardId))).not.to.include('anna.schmidt@fabrikam.example');
    const interested = await invoke('do', { referralId: 'rfi-classic', version: 1, command: 'interested' }, cardId);
    expect(actions(interested.body!.value).map((a) => a.title)).to.deep.equal(['Accept', 'Decline']);
    expect(texts(interested.body!.value)).to.include('anna.schmidt@fabrikam.example');
    const accepted = await invoke('submit', { referralId: 'rfi-classic', version: 2, form: 'accept', dealValue: '12000', closeDate: inDays(20) }, cardId);
    expect(actions(accepted.body!.value).map((a) => a.title)).to.deep.equal(['Won', 'Lost', 'Edit engagement', 'Add contact', 'Hand over']);
    expect((await getReferral(service.url, 'rfi-classic')).body).to.include({ status: 'Active', substatus: 'Accepted' });

    const other = await rfiCard('rfi-classic-2');
    const skipped = await invoke('do', { referralId: 'rfi-classic-2', version: 1, command: 'noThanks' }, other, bruno);
    expect(actions(skipped.body!.value)).to.have.length(0);
    expect((await getReferral(service.url, 'rfi-classic-2')).body).to.include({ status: 'Closed', substatus: 'Skipped' });
  });
});

describe("managers' status command (component)", function () {
  this.timeout(30_000);
  it('a manager sees pending/failed deliveries and inactive channels; a seller is told it is for managers', async () => {
    const fake = await startFakeConnector();
    const service = await startService({ ...MANAGER_ENV });
    try {
      await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
      await sendActivity(service.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
      fake.fail({ conversationId: EMEA.id }, { status: 403, code: 'BotNotInConversationRoster' }, Infinity);
      await postReferral(service.url, sampleRfi('rfi-status', { createdDateTime: undefined }));
      await fake.waitFor((requests) => requests.some((r) => r.outcome === 'fault' && r.conversationId?.startsWith(EMEA.id)));

      const before = fake.requests.length;
      await sendActivity(service.url, personalMessage('status', { serviceUrl: fake.url, from: maria }));
      const reply = await fake.waitFor((requests) => requests.slice(before).find((r) => texts(r.body).includes('Delivery status')));
      expect(texts(reply.body)).to.match(/pending: \d+/);

      const sellerBefore = fake.requests.length;
      await sendActivity(service.url, personalMessage('status', { serviceUrl: fake.url, from: anna }));
      const denied = await fake.waitFor((requests) => requests.slice(sellerBefore).find((r) => texts(r.body).includes('Only managers')));
      expect(denied).to.exist;

      // The 403 made the sender retire the channel: the status names it as inactive.
      const deadline = Date.now() + 10_000;
      let statusText = '';
      while (!statusText.includes('Inactive conversations') && Date.now() < deadline) {
        const statusBefore = fake.requests.length;
        await sendActivity(service.url, personalMessage('status', { serviceUrl: fake.url, from: maria }));
        const answer = await fake.waitFor((requests) => requests.slice(statusBefore).find((r) => texts(r.body).includes('Delivery status')));
        statusText = texts(answer.body);
      }
      expect(statusText).to.include('Inactive conversations').and.to.include('EMEA');
    } finally {
      await service.stop();
      await fake.close();
      await removeDir(service.dataDir);
    }
  });
});

describe('tenant allow-list (component)', function () {
  this.timeout(30_000);
  it('users of a tenant not in ALLOWED_TENANTS get a clear message, and nothing is stored or changed', async () => {
    const fake = await startFakeConnector();
    const service = await startService({ ALLOWED_TENANTS: '11111111-2222-4333-8444-555555555555' });
    try {
      await sendActivity(service.url, installationUpdate('add', { serviceUrl: fake.url }));
      await sendActivity(service.url, channelMention('subscribe', { serviceUrl: fake.url, channel: EMEA, from: fixture.manager }));
      const reply = await fake.waitFor((requests) => requests.find((r) => texts(r.body).includes('not enabled for your organization')));
      expect(reply).to.exist;
      expect(service.store.readState().routes).to.deep.equal([]);
      expect(Object.keys(service.store.readState().conversations)).to.deep.equal([]);

      await postReferral(service.url, sampleRfi('rfi-tenant', { createdDateTime: undefined }));
      const answer = await sendInvoke(
        service.url,
        cardAction({ serviceUrl: fake.url, verb: 'do', data: { referralId: 'rfi-tenant', version: 1, command: 'interested' }, cardActivityId: '1' }),
      );
      expect(answer.body).to.include({ type: 'application/vnd.microsoft.activity.message' });
      expect(answer.body!.value).to.include('not enabled for your organization');
      expect((await getReferral(service.url, 'rfi-tenant')).body.history).to.have.length(1);
    } finally {
      await service.stop();
      await fake.close();
      await removeDir(service.dataDir);
    }
  });
});
