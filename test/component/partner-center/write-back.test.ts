// Teams → Partner Center: each decision on a card becomes one JSON Patch with If-Match (the eTag
// Partner Center gave last), sent once, also across a kill -9; 429 / 503 wait and retry; a 412 is
// re-applied when the change still applies, or Partner Center's state is adopted and the thread
// says so; a write refused for good is parked, shown to the owner with a retry button.

import { expect } from 'chai';
import { fixture } from '../../support/teams-activities.js';
import {
  accept,
  act,
  appliedPatches,
  documentedReferral,
  EMEA,
  health,
  inDays,
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

function operations(request: { body?: unknown }): Record<string, unknown> {
  return Object.fromEntries(
    (request.body as Array<{ op: string; path: string; value: unknown }>).map((operation) => [`${operation.op} ${operation.path}`, operation.value]),
  );
}

describe('Partner Center write-back (component)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;

  async function ready(env: Record<string, string> = {}): Promise<Rig> {
    rig = await startRig(env);
    await startBot(rig);
    await login(rig);
    await subscribeEmea(rig);
    return rig;
  }

  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it('Accept, Edit engagement, Add contact, Won: one PATCH each, each If-Match the eTag the last answer gave', async () => {
    const r = await ready();
    const id = 'pc-accept-1';
    const cardId = await referralFromPartnerCenter(r, documentedReferral(id));
    const firstETag = r.pc.api.get(id)!.eTag;

    await accept(r, cardId, id);
    const [acceptPatch] = await waitFor('the Accept PATCH', () => appliedPatches(r, id).length === 1 && appliedPatches(r, id));
    expect(acceptPatch!.headers['if-match']).to.equal(firstETag);
    expect(acceptPatch!.headers['prefer']).to.equal('return=representation');
    expect(acceptPatch!.headers['client-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(operations(acceptPatch!)).to.deep.include({
      'replace /status': 'Active',
      'replace /substatus': 'Accepted',
      'replace /name': 'Contoso field service',
      'replace /details/dealValue': 20000,
      'replace /details/currency': 'USD',
      'replace /details/notes': 'Rollout in Q3',
      'replace /externalReferenceId': 'CRM-7',
    });
    expect(r.pc.api.get(id)).to.include({ status: 'Active', substatus: 'Accepted' });

    const afterAccept = r.pc.api.get(id)!.eTag;
    await act(r, cardId, 'submit', {
      referralId: id,
      form: 'editEngagement',
      engagementName: 'Contoso field service',
      dealValue: '24000',
      currency: 'USD',
      closeDate: inDays(30),
      notes: 'Rollout in Q3',
      crmId: 'CRM-7',
    });
    await waitFor('the Edit PATCH', () => appliedPatches(r, id).length === 2);
    const editPatch = appliedPatches(r, id)[1]!;
    expect(editPatch.headers['if-match']).to.equal(afterAccept);
    expect(operations(editPatch)).to.deep.equal({ 'replace /details/dealValue': 24000 });

    await act(r, cardId, 'submit', { referralId: id, form: 'addContact', firstName: 'Dana', lastName: 'Partner', email: 'dana@partner.example' });
    await waitFor('the Add contact PATCH', () => appliedPatches(r, id).length === 3);
    expect(appliedPatches(r, id)[2]!.body).to.deep.equal([
      { op: 'add', path: '/team/-', value: { firstName: 'Dana', lastName: 'Partner', email: 'dana@partner.example' } },
    ]);

    // Won with its final figures: they go to Partner Center with the Won.
    await act(r, cardId, 'submit', { referralId: id, form: 'won', dealValue: '26500', closeDate: inDays(0) });
    await waitFor('the Won PATCH', () => appliedPatches(r, id).length === 4);
    expect(operations(appliedPatches(r, id)[3]!)).to.deep.equal({
      'replace /status': 'Closed',
      'replace /substatus': 'Won',
      'replace /details/dealValue': 26500,
      'replace /details/closingDateTime': `${inDays(0)}T00:00:00.000Z`,
    });
    expect(r.pc.api.get(id)!['details']).to.include({ dealValue: 26500 });
    expect(r.pc.api.get(id)).to.include({ status: 'Closed', substatus: 'Won' });
    // Nothing sent twice, nothing refused.
    expect(r.pc.api.patches(id)).to.have.length(4);
    await waitFor('nothing left to write', async () => (await health(r)).partnerCenter.pendingWrites === 0);
  });

  it('Decline and Lost carry the reason as statusReason', async () => {
    const r = await ready();
    const declined = await referralFromPartnerCenter(r, documentedReferral('pc-decline'));
    await act(r, declined, 'submit', { referralId: 'pc-decline', form: 'decline', reason: 'NotACustomer', notes: 'a student project' });
    const [decline] = await waitFor('the Decline PATCH', () => appliedPatches(r, 'pc-decline').length === 1 && appliedPatches(r, 'pc-decline'));
    expect(operations(decline!)).to.deep.equal({ 'replace /status': 'Closed', 'replace /substatus': 'Declined', 'replace /statusReason': 'NotACustomer' });

    const lost = await referralFromPartnerCenter(r, documentedReferral('pc-lost'));
    await accept(r, lost, 'pc-lost');
    await waitFor('the Accept PATCH', () => appliedPatches(r, 'pc-lost').length === 1);
    await act(r, lost, 'submit', { referralId: 'pc-lost', form: 'lost', reason: 'CustomerChoseAnotherVendor' });
    await waitFor('the Lost PATCH', () => appliedPatches(r, 'pc-lost').length === 2);
    expect(operations(appliedPatches(r, 'pc-lost')[1]!)).to.deep.equal({
      'replace /status': 'Closed',
      'replace /substatus': 'Lost',
      'replace /statusReason': 'CustomerChoseAnotherVendor',
    });
  });

  it('a 412 whose change still applies is re-sent with the new eTag; one that does not is adopted and the thread says so', async () => {
    const r = await ready();
    const cardId = await referralFromPartnerCenter(r, documentedReferral('pc-412'));
    // Someone edits the notes in Partner Center: the eTag moves, the referral is still New.
    r.pc.api.change('pc-412', { details: { ...(r.pc.api.get('pc-412')!['details'] as object), notes: 'edited in Partner Center' } });
    const moved = r.pc.api.get('pc-412')!.eTag;
    await accept(r, cardId, 'pc-412');
    await waitFor('the rebased Accept', () => appliedPatches(r, 'pc-412').length === 1);
    const sent = r.pc.api.patches('pc-412');
    expect(sent.map((request) => request.status)).to.deep.equal([412, 200]);
    expect(sent[1]!.headers['if-match']).to.equal(moved);

    // A colleague declines in Partner Center before our Accept lands: Partner Center's answer stands.
    const other = await referralFromPartnerCenter(r, documentedReferral('pc-412-closed'));
    r.pc.api.change('pc-412-closed', { status: 'Closed', substatus: 'Declined', statusReason: 'CustomerDidNotRespond' });
    await accept(r, other, 'pc-412-closed');
    await waitFor('adopted', async () => (await storedReferral(r, 'pc-412-closed')).status === 'Closed');
    const stored = await storedReferral(r, 'pc-412-closed');
    expect(stored).to.include({ substatus: 'Declined', statusReason: 'CustomerDidNotRespond' });
    expect(stored.history.at(-1)).to.include({ type: 'changedInPartnerCenter', status: 'Closed', substatus: 'Declined' });
    expect(appliedPatches(r, 'pc-412-closed')).to.have.length(0);
    const reply = await waitFor('the thread reply', () =>
      r.teams.threadReplies(other).find((message) => JSON.stringify(message.activity).includes('Changed in Partner Center')),
    );
    expect(JSON.stringify(reply.activity)).to.include('Closed').and.include('Declined');
    await waitFor('the card closed', () => JSON.stringify(r.teams.card(other)).includes('Closed'));
  });

  it('429 and 503 wait as Partner Center says and are retried; nothing is parked', async () => {
    const r = await ready();
    const cardId = await referralFromPartnerCenter(r, documentedReferral('pc-busy'));
    r.pc.api.fail({ method: 'PATCH', status: 429, retryAfter: '1' });
    r.pc.api.fail({ method: 'PATCH', status: 503, retryAfter: '1' });
    await accept(r, cardId, 'pc-busy');
    await waitFor('the Accept after two refusals', () => appliedPatches(r, 'pc-busy').length === 1, 20_000);
    const sent = r.pc.api.patches('pc-busy');
    expect(sent.map((request) => request.status)).to.deep.equal([429, 503, 200]);
    expect(sent.map((request) => request.headers['if-match'])).to.deep.equal(Array(3).fill(sent[0]!.headers['if-match']));
    const status = (await health(r)).partnerCenter;
    expect(status).to.include({ failedWrites: 0 });
  });

  it('a write refused for good is parked: the owner sees "not saved" with a retry button, /healthz counts it, retry sends it', async () => {
    const r = await ready();
    const cardId = await referralFromPartnerCenter(r, documentedReferral('pc-refused'));
    r.pc.api.fail({ method: 'PATCH', status: 400 });
    await accept(r, cardId, 'pc-refused');
    await waitFor('parked', async () => (await health(r)).partnerCenter.failedWrites === 1);

    const ownerView = await act(r, cardId, 'refresh', { referralId: 'pc-refused' });
    const shown = JSON.stringify(ownerView.value);
    expect(shown).to.include('Not saved in Partner Center: 400: injected by the test');
    expect(shown).to.include('"verb":"retry"');
    // Someone who may not act on it sees the shared card only.
    const otherView = await act(r, cardId, 'refresh', { referralId: 'pc-refused' }, fixture.users['bruno']!);
    expect(JSON.stringify(otherView.value)).not.to.include('Not saved in Partner Center');

    const retried = await act(r, cardId, 'retry', { referralId: 'pc-refused' }, maria);
    expect(JSON.stringify(retried.value)).to.include('Saving in Partner Center again (1)');
    await waitFor('sent after the retry', () => appliedPatches(r, 'pc-refused').length === 1);
    await waitFor('nothing parked', async () => (await health(r)).partnerCenter.failedWrites === 0);
  });

  for (const moment of ['before', 'after'] as const) {
    it(`kill -9 while the PATCH is under way (${moment} Partner Center applied it): after the restart it is applied exactly once`, async () => {
      const r = await ready();
      const cardId = await referralFromPartnerCenter(r, documentedReferral(`pc-kill-${moment}`));
      r.pc.api.holdPatches(moment);
      await accept(r, cardId, `pc-kill-${moment}`);
      await waitFor('the PATCH under way', () => r.pc.api.patches(`pc-kill-${moment}`).length === 1);
      r.bot!.child.kill('SIGKILL');
      await r.bot!.exited;
      r.pc.api.holdPatches(undefined);
      await startBot(r);
      await waitFor('written after the restart', async () => (await health(r)).partnerCenter.pendingWrites === 0, 20_000);
      const resource = r.pc.api.get(`pc-kill-${moment}`)!;
      expect(resource).to.include({ status: 'Active', substatus: 'Accepted', externalReferenceId: 'CRM-7' });
      const applied = r.pc.api.patches(`pc-kill-${moment}`).filter((request) => request.status === 200).length + (moment === 'after' ? 1 : 0);
      expect(applied, 'PATCHes Partner Center applied').to.equal(1);
      expect((await storedReferral(r, `pc-kill-${moment}`)).status).to.equal('Active');
      expect(
        r.teams.posts().filter((request) => request.conversationId === EMEA.id && JSON.stringify(request.body).includes(`pc-kill-${moment}`)),
      ).to.have.length(1);
    });
  }
});
