/**
 * Self-tests of the test support: the fake Teams connector, the Teams activity builders and the bot
 * client. Everything runs on 127.0.0.1; the network is blocked for the whole file.
 *
 * Local mode and proactive sends (checked here against botbuilder 4.23.3):
 *   const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
 *   const adapter = new CloudAdapter(auth);
 *   await adapter.continueConversationAsync('', reference, async (ctx) => { await ctx.sendActivity(...) });
 * - botAppId '' works: with an empty MicrosoftAppId the credential factory disables auth and returns
 *   empty credentials whatever appId the claims carry (no token, no Authorization header). Any
 *   placeholder string works as well.
 * - TeamsInfo.sendMessageToTeamsChannel(ctx, activity, channelId, botAppId) needs a NON-empty
 *   botAppId: with '' it takes the BotFrameworkAdapter path and fails with
 *   "context.adapter.createConnectorClient is not a function". Pass the configured app id, or a
 *   placeholder in local mode. Its second return value is NOT the activity id with CloudAdapter: it is
 *   the new conversation id `<channelId>;messageid=<activityId>` (take the id after `;messageid=`).
 * - Every proactive send is replyToActivity with the continuation activity's random UUID id.
 * - SDK errors are RestError: err.statusCode (403/404/412/429...), err.code = Teams' error code
 *   (e.g. 'BotNotInConversationRoster'), err.response.headers.get('retry-after').
 */
import { expect } from 'chai';
import {
  ActivityTypes,
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  MessageFactory,
  TeamsActivityHandler,
  TeamsInfo,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type ConversationReference,
} from 'botbuilder';
import restify from 'restify';
import type { AddressInfo } from 'node:net';
import { SlidingWindowLimiter, TEAMS_THREAD_LIMITS, startFakeConnector, type FakeConnector, type RecordedRequest } from '../support/fake-connector.js';
import { deleteJson, getJson, postJson, putJson } from '../support/http.js';
import { blockNetwork, blockedAttempts } from '../support/no-network.js';
import { sendActivity } from '../support/bot-client.js';
import { fixture, fixtureConnectorOptions, teamsActivities, newMessageId } from '../support/teams-activities.js';

const EMEA = fixture.team.emea.id;
const enc = encodeURIComponent;
const card = (text: string) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });
const cardActivity = (text: string) => ({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card(text) }] });

function localAdapter(): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '' });
  return new CloudAdapter(auth);
}

describe('test support: fake Teams connector', function () {
  this.timeout(8000);
  let restoreNetwork: () => void;
  before(() => {
    restoreNetwork = blockNetwork();
  });
  after(() => restoreNetwork());

  describe('recording (raw HTTP)', () => {
    let fake: FakeConnector;
    before(async () => {
      fake = await startFakeConnector(fixtureConnectorOptions());
    });
    afterEach(() => fake.reset());
    after(() => fake.close());

    it('listens on 127.0.0.1 with a free port and exposes a serviceUrl', () => {
      expect(fake.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(fake.port).to.be.greaterThan(0);
    });

    it('records a post, a thread reply and updates, and keeps the latest card per activity id', async () => {
      const post = await postJson(`${fake.url}v3/conversations/${enc(EMEA)}/activities`, cardActivity('v1'));
      expect(post.status).to.equal(201);
      const rootId: string = post.body.id;
      expect(rootId).to.match(/^\d+$/);

      const thread = `${EMEA};messageid=${rootId}`;
      const reply = await postJson(`${fake.url}v3/conversations/${enc(thread)}/activities`, { type: 'message', text: 'reminder' });
      expect(reply.status).to.equal(201);
      const reply2 = await postJson(`${fake.url}v3/conversations/${enc(thread)}/activities/${rootId}`, { type: 'message', text: 'again' });
      expect(reply2.status).to.equal(201);

      for (const v of ['v2', 'v3']) {
        const up = await putJson(`${fake.url}v3/conversations/${enc(thread)}/activities/${rootId}`, cardActivity(v));
        expect(up.status).to.equal(200);
        expect(up.body).to.deep.equal({ id: rootId });
      }

      expect(fake.requests.map((r) => r.op)).to.deep.equal(['sendToConversation', 'sendToConversation', 'replyToActivity', 'updateActivity', 'updateActivity']);
      const first = fake.requests[0]!;
      expect(first.path).to.equal(`/v3/conversations/${enc(EMEA)}/activities`);
      expect(first.conversationId).to.equal(EMEA);
      expect(fake.requests[1]!.conversationId).to.equal(thread);
      expect(fake.requests[2]!).to.include({ activityId: rootId, replyToId: rootId });

      expect(fake.posts().map((r) => r.messageId)).to.deep.equal([rootId]);
      expect(fake.replies()).to.have.length(2);
      expect(fake.threadReplies(rootId).map((m) => m.activity.text)).to.deep.equal(['reminder', 'again']);
      expect(fake.updates(rootId)).to.have.length(2);
      expect(fake.message(rootId)).to.include({ conversationId: thread, threadRootId: rootId, isThreadReply: false });
      expect(fake.card(rootId).body[0].text).to.equal('v3');
      expect(fake.cardVersions(rootId).map((c) => c.body[0].text)).to.deep.equal(['v1', 'v2', 'v3']);
      for (const r of fake.requests) expect(r.at).to.be.a('number');
    });

    it('answers 404 NotFound for updates of unknown activities, and deletes', async () => {
      const missing = await putJson(`${fake.url}v3/conversations/${enc(EMEA)}/activities/999`, cardActivity('x'));
      expect(missing.status).to.equal(404);
      expect(missing.body.error.code).to.equal('NotFound');

      const post = await postJson(`${fake.url}v3/conversations/${enc(EMEA)}/activities`, cardActivity('v1'));
      const del = await deleteJson(`${fake.url}v3/conversations/${enc(EMEA)}/activities/${post.body.id}`);
      expect(del.status).to.equal(200);
      expect(fake.message(post.body.id)!.deleted).to.equal(true);
      expect(fake.deletes()).to.have.length(1);
    });

    it('creates channel threads and stable personal chats with createConversation', async () => {
      const created = await postJson(`${fake.url}v3/conversations`, {
        isGroup: true,
        channelData: { channel: { id: EMEA }, tenant: { id: fixture.tenant.id } },
        activity: cardActivity('new thread'),
      });
      expect(created.status).to.equal(201);
      expect(created.body.id).to.equal(`${EMEA};messageid=${created.body.activityId}`);
      expect(fake.card(created.body.activityId).body[0].text).to.equal('new thread');

      const anna = fixture.users.anna;
      const p1 = await postJson(`${fake.url}v3/conversations`, {
        isGroup: false,
        bot: { id: fixture.bot.id },
        members: [{ id: anna.id }],
        tenantId: fixture.tenant.id,
      });
      const p2 = await postJson(`${fake.url}v3/conversations`, {
        isGroup: false,
        bot: { id: fixture.bot.id },
        members: [{ id: anna.id }],
        tenantId: fixture.tenant.id,
      });
      expect(p1.body.id).to.equal(anna.personalConversationId).and.equal(p2.body.id);
      expect(fake.posts()).to.have.length(1); // only the one that carried an activity
    });

    it('serves members, paged members, channels and team details from the fixture', async () => {
      const team = enc(fixture.team.id);
      const members = await getJson(`${fake.url}v3/conversations/${team}/members`);
      expect(members.body).to.have.length(5);
      const byAad = await getJson(`${fake.url}v3/conversations/${enc(EMEA)}/members/${fixture.users.maria.aadObjectId}`);
      expect(byAad.body.id).to.equal(fixture.users.maria.id);
      const unknown = await getJson(`${fake.url}v3/conversations/${team}/members/29:nobody`);
      expect(unknown.status).to.equal(404);
      const paged = await getJson(`${fake.url}v3/conversations/${team}/pagedmembers?pageSize=3`);
      expect(paged.body.members).to.have.length(3);
      const rest = await getJson(`${fake.url}v3/conversations/${team}/pagedmembers?pageSize=3&continuationToken=${paged.body.continuationToken}`);
      expect(rest.body.members).to.have.length(2);
      expect(rest.body.continuationToken).to.equal(undefined);
      const channels = await getJson(`${fake.url}v3/teams/${team}/conversations`);
      expect(channels.body.conversations.map((c: any) => c.id)).to.deep.equal([fixture.team.id, EMEA]);
      const details = await getJson(`${fake.url}v3/teams/${team}`);
      expect(details.body).to.include({ id: fixture.team.id, name: 'Partner Sales', aadGroupId: fixture.team.aadGroupId });
    });

    it('waitFor resolves when the predicate holds and times out with a summary', async () => {
      setTimeout(() => void postJson(`${fake.url}v3/conversations/${enc(EMEA)}/activities`, { type: 'message', text: 'late' }), 50);
      const got = await fake.waitFor((_reqs, f) => f.posts()[0], 2000);
      expect(got.body.text).to.equal('late');
      let err: Error | undefined;
      await fake.waitFor(() => false, 60).catch((e: Error) => (err = e));
      expect(err?.message).to.match(/waitFor timed out after 60 ms; 1 requests recorded/);
      fake.reset();
      expect(fake.requests).to.have.length(0);
      expect(fake.messages()).to.have.length(0);
    });
  });

  describe('botbuilder CloudAdapter (local mode) against the fake', () => {
    let fake: FakeConnector;
    let adapter: CloudAdapter;
    before(async () => {
      fake = await startFakeConnector(fixtureConnectorOptions());
      adapter = localAdapter();
    });
    afterEach(() => fake.reset());
    after(() => fake.close());

    const channelRef = (conversationId: string): Partial<ConversationReference> => ({
      channelId: 'msteams',
      serviceUrl: fake.url,
      conversation: { id: conversationId, isGroup: true, conversationType: 'channel', tenantId: fixture.tenant.id, name: '' },
      bot: { id: fixture.bot.id, name: fixture.bot.name },
    });

    it("continueConversationAsync('') → sendActivity and updateActivity hit the SDK's paths", async () => {
      let postedId = '';
      let continuationId = '';
      await adapter.continueConversationAsync('', channelRef(EMEA), async (ctx) => {
        continuationId = ctx.activity.id!;
        const res = await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card('v1'))));
        postedId = res!.id;
        await ctx.updateActivity({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card('v2'))), id: postedId });
      });
      const [send, update] = fake.requests as [RecordedRequest, RecordedRequest];
      expect(fake.requests).to.have.length(2);
      expect(send).to.include({ method: 'POST', op: 'replyToActivity', path: `/v3/conversations/${enc(EMEA)}/activities/${continuationId}` });
      expect(continuationId).to.match(/^[0-9a-f-]{36}$/); // random UUID of the continuation activity
      expect(send.headers['authorization']).to.equal(undefined);
      expect(send.headers['x-ms-conversation-id']).to.equal(EMEA);
      expect(update).to.include({ method: 'PUT', op: 'updateActivity', path: `/v3/conversations/${enc(EMEA)}/activities/${postedId}` });
      expect(fake.posts()).to.have.length(1); // a new post in the channel, not a thread reply
      expect(fake.card(postedId).body[0].text).to.equal('v2');
      expect(fake.latest(postedId)!.from.id).to.equal(fixture.bot.id);
    });

    it('a reference to `<channel>;messageid=<root>` replies in that thread (id URL-encoded)', async () => {
      const root = newMessageId();
      const thread = `${EMEA};messageid=${root}`;
      await adapter.continueConversationAsync('', channelRef(thread), async (ctx) => {
        await ctx.sendActivity('reminder');
      });
      const r = fake.requests[0]!;
      expect(r.path).to.contain(`/v3/conversations/${enc(thread)}/activities/`);
      expect(r.path).to.contain('%3Bmessageid%3D');
      expect(r.conversationId).to.equal(thread);
      expect(fake.replies()).to.have.length(1);
      expect(fake.threadReplies(root)[0]!.activity.text).to.equal('reminder');
    });

    it('a placeholder botAppId works too; TeamsInfo.sendMessageToTeamsChannel needs a non-empty one', async () => {
      let failure: Error | undefined;
      let result: [Partial<ConversationReference>, string] | undefined;
      await adapter.continueConversationAsync('local-bot', channelRef(EMEA), async (ctx) => {
        await TeamsInfo.sendMessageToTeamsChannel(ctx, MessageFactory.text('x') as Activity, EMEA, '').catch((e: Error) => (failure = e));
        result = await TeamsInfo.sendMessageToTeamsChannel(
          ctx,
          MessageFactory.attachment(CardFactory.adaptiveCard(card('thread'))) as Activity,
          EMEA,
          'local-bot',
        );
      });
      expect(failure?.message).to.match(/createConnectorClient is not a function/);
      const create = fake.byOp('createConversation');
      expect(create).to.have.length(1);
      expect(create[0]!).to.include({ method: 'POST', path: '/v3/conversations', conversationId: EMEA });
      expect(create[0]!.body.channelData.channel.id).to.equal(EMEA);
      const activityId = create[0]!.messageId!;
      // CloudAdapter path: the "activity id" returned is the new conversation id.
      expect(result![1]).to.equal(`${EMEA};messageid=${activityId}`);
      expect(result![0].conversation!.id).to.equal(`${EMEA};messageid=${activityId}`);
      expect(fake.card(activityId).body[0].text).to.equal('thread');
    });

    it('TeamsInfo member, paged member, channel and team calls are answered', async () => {
      await adapter.continueConversationAsync('', channelRef(EMEA), async (ctx) => {
        const m = await TeamsInfo.getTeamMember(ctx, fixture.team.id, fixture.users.chen.id);
        expect(m).to.include({ name: 'Chen Wei', aadObjectId: fixture.users.chen.aadObjectId, email: fixture.users.chen.email });
        const page = await TeamsInfo.getPagedTeamMembers(ctx, fixture.team.id, 4);
        expect(page.members).to.have.length(4);
        expect((await TeamsInfo.getTeamChannels(ctx, fixture.team.id)).map((c) => c.id)).to.include(EMEA);
        expect((await TeamsInfo.getTeamDetails(ctx, fixture.team.id)).name).to.equal('Partner Sales');
      });
      expect(fake.requests.map((r) => r.op)).to.deep.equal(['getConversationMember', 'getConversationPagedMembers', 'fetchChannelList', 'fetchTeamDetails']);
    });

    it('the SDK retries a 429 itself after Retry-After; 403 surfaces as RestError with the Teams code', async () => {
      fake.fail(EMEA, { status: 429, retryAfter: 0 });
      await adapter.continueConversationAsync('', channelRef(EMEA), async (ctx) => {
        await ctx.sendActivity('hi');
      });
      expect(fake.requests.map((r) => r.status)).to.deep.equal([429, 201]);

      fake.fail(EMEA, { status: 403, code: 'BotNotInConversationRoster' });
      let err: any;
      await adapter
        .continueConversationAsync('', channelRef(EMEA), async (ctx) => {
          await ctx.sendActivity('hi');
        })
        .catch((e) => (err = e));
      expect(err).to.include({ name: 'RestError', statusCode: 403, code: 'BotNotInConversationRoster' });
      expect(fake.requests).to.have.length(3); // not retried
    });
  });

  describe('enforced Teams rate limits', () => {
    let fake: FakeConnector;
    let clock = 1_000_000;
    const post = (conv: string, tenant = fixture.tenant.id) =>
      postJson(`${fake.url}v3/conversations/${enc(conv)}/activities`, { type: 'message', text: 'x', conversation: { id: conv, tenantId: tenant } });

    before(async () => {
      fake = await startFakeConnector({ enforceLimits: true, now: () => clock });
    });
    beforeEach(() => {
      fake.reset();
      clock += 10_000_000;
    });
    after(() => fake.close());

    it('7 per second per thread: the 8th within 1 s gets 429 + Retry-After', async () => {
      for (let i = 0; i < 7; i++) {
        expect((await post(EMEA)).status).to.equal(201);
        clock += 100;
      }
      // t0+700: 7 accepted within the last second
      const over = await post(EMEA);
      expect(over.status).to.equal(429);
      expect(over.headers['retry-after']).to.equal('1');
      expect(over.body).to.deep.equal({
        error: { code: 'TooManyRequests', message: 'Too many requests. Please retry after the time in the Retry-After header.' },
      });
      expect(fake.requests.at(-1)!.throttledBy).to.equal('thread 7/1000ms');
      // another thread is not affected
      expect((await post(`${EMEA};messageid=1`)).status).to.equal(201);
      expect(fake.throttledCount).to.equal(1);
      expect(fake.enforcedThrottleCount).to.equal(1);
      // the refused request consumed no quota: at t0+1000 the t0 request left the 1 s window, so an
      // 8th is accepted (it would be refused if the 429 at t0+700 had counted) ...
      clock += 300;
      expect((await post(EMEA)).status).to.equal(201);
      // ... and now 8 accepted within 2 s
      expect((await post(EMEA)).status).to.equal(429);
    });

    it('8 per 2 seconds: once the 1 s window clears, the 8th passes and the 9th is refused', async () => {
      for (let i = 0; i < 7; i++) expect((await post(EMEA)).status).to.equal(201); // all at t0
      clock += 999;
      expect((await post(EMEA)).status).to.equal(429); // still inside the 1 s window of t0
      clock += 1; // t0+1000: the first seven left the 1 s window
      expect((await post(EMEA)).status).to.equal(201); // 8th within 2 s
      const ninth = await post(EMEA);
      expect(ninth.status).to.equal(429);
      expect(fake.requests.at(-1)!.throttledBy).to.equal('thread 8/2000ms');
      expect(ninth.headers['retry-after']).to.equal('1'); // t0 leaves the 2 s window at t0+2000
      clock += 1000;
      expect((await post(EMEA)).status).to.equal(201);
    });

    it('60 per 30 seconds: the 61st is refused with Retry-After until the first leaves the window', async () => {
      // 250 ms apart: 4/s and 8 per 2 s, never over the short limits
      for (let i = 0; i < 60; i++) {
        expect((await post(EMEA)).status, `request ${i + 1}`).to.equal(201);
        clock += 250;
      }
      const over = await post(EMEA); // at t0 + 15 000
      expect(over.status).to.equal(429);
      expect(fake.requests.at(-1)!.throttledBy).to.equal('thread 60/30000ms');
      expect(over.headers['retry-after']).to.equal('15');
      clock += 15_000;
      expect((await post(EMEA)).status).to.equal(201);
    });

    it('1800 per hour per thread (limiter, the same code the server uses)', () => {
      const limiter = new SlidingWindowLimiter(TEAMS_THREAD_LIMITS);
      let t = 0;
      for (let i = 0; i < 1800; i++) {
        expect(limiter.check('thread', t).ok).to.equal(true);
        limiter.record('thread', t);
        t += 500; // 60 per 30 s exactly
      }
      const d = limiter.check('thread', t); // t = 900 000
      expect(d.ok).to.equal(false);
      if (!d.ok) {
        expect(d.rule).to.deep.equal({ windowMs: 3_600_000, max: 1800 });
        expect(d.retryAfterMs).to.equal(3_600_000 - 900_000);
      }
      expect(limiter.check('thread', 3_600_000).ok).to.equal(true);
    });

    it('50 per second per tenant across threads; other tenants are separate', async () => {
      for (let i = 0; i < 50; i++) expect((await post(`${EMEA};messageid=${i % 10}`)).status).to.equal(201);
      const over = await post(`${EMEA};messageid=99`);
      expect(over.status).to.equal(429);
      expect(fake.requests.at(-1)!.throttledBy).to.equal('tenant 50/1000ms');
      expect((await post(`${EMEA};messageid=98`, 'another-tenant')).status).to.equal(201);
      // one second later the tenant window has slid: 50 more pass (to fresh threads)
      clock += 1000;
      for (let i = 0; i < 50; i++) expect((await post(`${EMEA};messageid=${10 + (i % 10)}`)).status).to.equal(201);
      expect((await post(`${EMEA};messageid=99`)).status).to.equal(429);
      expect(fake.throttledCount).to.equal(2);
    });
  });

  describe('fault injection', () => {
    let fake: FakeConnector;
    const url = () => `${fake.url}v3/conversations/${enc(EMEA)}/activities`;
    before(async () => {
      fake = await startFakeConnector();
    });
    afterEach(() => fake.reset());
    after(() => fake.close());

    it('429 with Retry-After for the next N matching requests, then normal; recorded with the fault', async () => {
      const h = fake.fail(EMEA, { status: 429, retryAfter: 3 }, 2);
      const a = await postJson(url(), { type: 'message' });
      const b = await postJson(url(), { type: 'message' });
      const c = await postJson(url(), { type: 'message' });
      expect([a.status, b.status, c.status]).to.deep.equal([429, 429, 201]);
      expect(a.headers['retry-after']).to.equal('3');
      expect(a.body.error.code).to.equal('TooManyRequests');
      expect(h.served).to.equal(2);
      expect(h.remaining).to.equal(0);
      expect(fake.requests[0]!.fault).to.deep.equal({ status: 429, retryAfter: 3 });
      expect(fake.requests[0]!.outcome).to.equal('throttled');
      expect(fake.throttledCount).to.equal(2);
      expect(fake.posts()).to.have.length(1);
    });

    for (const [status, code] of [
      [503, 'ServiceUnavailable'],
      [502, 'BadGateway'],
      [412, 'PreconditionFailed'],
      [403, 'BotNotInConversationRoster'],
      [403, 'ConversationBlockedByUser'],
      [404, 'ConversationNotFound'],
    ] as const) {
      it(`${status} ${code}`, async () => {
        fake.fail(EMEA, { status, code });
        const r = await postJson(url(), { type: 'message' });
        expect(r.status).to.equal(status);
        expect(r.body.error.code).to.equal(code);
        expect(r.body.error.message).to.be.a('string').and.not.equal('');
        expect(fake.posts()).to.have.length(0);
        expect(fake.requests[0]!).to.include({ outcome: 'fault', status });
      });
    }

    it('matchers: conversation prefix, method/op object, predicate; other requests pass', async () => {
      fake.fail('19:other', { status: 503 }, Infinity);
      fake.fail({ method: 'PUT' }, { status: 412 });
      fake.fail((r) => r.body?.text === 'poison', { status: 502 });
      const ok = await postJson(url(), cardActivity('v1'));
      expect(ok.status).to.equal(201);
      expect((await postJson(`${fake.url}v3/conversations/${enc('19:other@thread.tacv2')}/activities`, {})).status).to.equal(503);
      expect((await putJson(`${url()}/${ok.body.id}`, cardActivity('v2'))).status).to.equal(412);
      expect((await putJson(`${url()}/${ok.body.id}`, cardActivity('v2'))).status).to.equal(200);
      expect((await postJson(url(), { type: 'message', text: 'poison' })).status).to.equal(502);
      fake.clearFaults();
      expect((await postJson(`${fake.url}v3/conversations/${enc('19:other@thread.tacv2')}/activities`, {})).status).to.equal(201);
    });

    it('timeout: the response is held past the client deadline; nothing is applied by default', async () => {
      fake.fail(EMEA, { timeout: 400 });
      const t0 = Date.now();
      let err: any;
      await postJson(url(), { type: 'message' }, { timeoutMs: 100 }).catch((e) => (err = e));
      expect(err?.name).to.equal('TimeoutError'); // the client gave up first
      expect(fake.requests[0]!.fault).to.deep.equal({ timeout: 400 });
      expect(fake.requests[0]!).to.include({ outcome: 'fault', status: 0 });
      expect(fake.messages()).to.have.length(0);
      // a patient client gets 504 after the hold
      fake.fail(EMEA, { timeout: 150 });
      const late = await postJson(url(), { type: 'message' });
      expect(late.status).to.equal(504);
      expect(Date.now() - t0).to.be.greaterThanOrEqual(150);
    });

    it('timeout with applied: true posts the message although the client never hears back', async () => {
      fake.fail(EMEA, { timeout: 300, applied: true });
      await postJson(url(), { type: 'message', text: 'ghost' }, { timeoutMs: 80 }).catch(() => undefined);
      expect(fake.messages().map((m) => m.activity.text)).to.deep.equal(['ghost']);
    });

    it('drop: the socket is destroyed without a response', async () => {
      fake.fail(EMEA, { drop: true });
      let err: any;
      await postJson(url(), { type: 'message' }).catch((e) => (err = e));
      expect(err).to.be.instanceOf(Error);
      expect(String(err.cause?.code ?? err.cause?.message ?? err.message)).to.match(/ECONNRESET|UND_ERR_SOCKET|other side closed|socket/i);
      expect(fake.requests[0]!).to.include({ outcome: 'dropped', status: 0 });
      expect(fake.messages()).to.have.length(0);
      fake.fail(EMEA, { drop: true, applied: true });
      await postJson(url(), { type: 'message', text: 'lost reply' }).catch(() => undefined);
      expect(fake.messages().map((m) => m.activity.text)).to.deep.equal(['lost reply']);
      expect((await postJson(url(), { type: 'message' })).status).to.equal(201);
    });

    it('latency option delays every response', async () => {
      const slow = await startFakeConnector({ latencyMs: 120 });
      try {
        const t0 = Date.now();
        const r = await postJson(`${slow.url}v3/conversations/${enc(EMEA)}/activities`, { type: 'message' });
        expect(r.status).to.equal(201);
        expect(Date.now() - t0).to.be.greaterThanOrEqual(115);
      } finally {
        await slow.close();
      }
    });

    it('close() releases held responses', async () => {
      const f = await startFakeConnector();
      f.fail(() => true, { timeout: 60_000 });
      const pending = postJson(`${f.url}v3/conversations/${enc(EMEA)}/activities`, {}).catch((e) => e);
      await f.waitFor((reqs) => reqs.length === 1, 1000);
      const t0 = Date.now();
      await f.close();
      expect(await pending).to.be.instanceOf(Error);
      expect(Date.now() - t0).to.be.lessThan(1000);
    });
  });

  describe('network block', () => {
    it('refuses non-loopback connections and allows 127.0.0.1', async () => {
      let err: any;
      await getJson('http://203.0.113.7:81/', { timeoutMs: 2000 }).catch((e) => (err = e));
      expect(String(err?.cause?.message ?? err?.message)).to.match(/network blocked in tests: 203\.0\.113\.7:81/);
      expect(blockedAttempts).to.include('203.0.113.7:81');
      const fake = await startFakeConnector();
      try {
        expect((await getJson(`${fake.url}v3/conversations`)).status).to.equal(200);
      } finally {
        await fake.close();
      }
    });
  });

  describe('Teams activities → a real TeamsActivityHandler behind restify (bot-client)', () => {
    let fake: FakeConnector;
    let server: restify.Server;
    let botUrl: string;
    const seen: string[] = [];
    let lastInvoke: { trigger?: string; verb?: string; data?: unknown } = {};

    class ProbeBot extends TeamsActivityHandler {
      constructor() {
        super();
        this.onInstallationUpdateAdd(async (ctx, next) => {
          seen.push(`installAdd:${ctx.activity.conversation.id}`);
          await next();
        });
        this.onInstallationUpdateRemove(async (_ctx, next) => {
          seen.push('installRemove');
          await next();
        });
        this.onTeamsMembersAddedEvent(async (members, team, ctx, next) => {
          seen.push(`membersAdded:${members.map((m) => (m.id === ctx.activity.recipient.id ? 'bot' : m.name)).join(',')}@${team.name}`);
          await next();
        });
        this.onTeamsMembersRemovedEvent(async (members, _team, ctx, next) => {
          seen.push(`membersRemoved:${members.map((m) => (m.id === ctx.activity.recipient.id ? 'bot' : m.id)).join(',')}`);
          await next();
        });
        this.onTeamsChannelCreatedEvent(async (channel, _team, _ctx, next) => {
          seen.push(`channelCreated:${channel.name}`);
          await next();
        });
        this.onMessage(async (ctx, next) => {
          const text = TurnContext.removeRecipientMention(ctx.activity)?.trim();
          seen.push(`message:${ctx.activity.conversation.conversationType}:${text}`);
          await ctx.sendActivity(`echo ${text}`);
          await next();
        });
      }
      protected override async onAdaptiveCardInvoke(ctx: TurnContext, invokeValue: any): Promise<AdaptiveCardInvokeResponse> {
        lastInvoke = { trigger: ctx.activity.value?.trigger, verb: invokeValue.action.verb, data: invokeValue.action.data };
        return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card(`did ${invokeValue.action.verb}`) as any };
      }
    }

    before(async () => {
      fake = await startFakeConnector(fixtureConnectorOptions());
      const adapter = localAdapter();
      const bot = new ProbeBot();
      server = restify.createServer();
      server.use(restify.plugins.bodyParser());
      server.post('/api/messages', async (req, res) => {
        await adapter.process(req, res, (ctx) => bot.run(ctx));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    });

    it('install, membership and channel events dispatch to the Teams handlers', async () => {
      const a = teamsActivities(fake.url);
      for (const act of [
        a.installationUpdate('add'),
        a.botAddedToTeam(),
        a.usersAddedToTeam([fixture.users.bruno]),
        a.channelCreated({ id: '19:apac0000000000000000000000000000@thread.tacv2', name: 'APAC' }),
        a.botRemovedFromTeam(),
        a.installationUpdate('remove'),
      ]) {
        const r = await sendActivity(botUrl, act);
        expect(r.status, JSON.stringify(r.body)).to.equal(200);
      }
      expect(seen.splice(0)).to.deep.equal([
        `installAdd:${fixture.team.id}`,
        'membersAdded:bot@Partner Sales',
        'membersAdded:Bruno Costa@Partner Sales', // resolved through GET .../members/{id} on the fake
        'channelCreated:APAC',
        'membersRemoved:bot',
        'installRemove',
      ]);
      expect(fake.byOp('getConversationMember')[0]!.memberId).to.equal(fixture.users.bruno.id);
    });

    it('a channel @mention and a personal message reach onMessage; replies go to the fake', async () => {
      const a = teamsActivities(fake.url);
      const mention = a.channelMention('subscribe country=DE');
      expect(mention.text).to.equal('<at>Referral Desk</at> subscribe country=DE');
      expect(mention.conversation.id).to.equal(`${EMEA};messageid=${mention.id}`);
      expect((await sendActivity(botUrl, mention)).status).to.equal(200);
      expect((await sendActivity(botUrl, a.personalMessage('help', { from: fixture.users.chen }))).status).to.equal(200);
      expect(seen.splice(0)).to.deep.equal(['message:channel:subscribe country=DE', 'message:personal:help']);
      const [r1, r2] = fake.newMessages();
      expect(r1!).to.include({ op: 'replyToActivity', conversationId: mention.conversation.id, activityId: mention.id, isThreadReply: true });
      expect(r2!).to.include({ op: 'replyToActivity', conversationId: fixture.users.chen.personalConversationId, isThreadReply: false });
      expect(fake.threadReplies(mention.id)[0]!.activity.text).to.equal('echo subscribe country=DE');
    });

    it('adaptiveCard/action invoke: HTTP body is the invoke response {statusCode, type, value}; trigger is readable', async () => {
      const a = teamsActivities(fake.url);
      const act = a.cardAction({
        verb: 'accept',
        data: { referralId: 'r-1', v: 3 },
        cardActivityId: '1700000000001',
        trigger: 'automatic',
        from: fixture.users.dmitri,
      });
      expect(act).to.deep.include({ type: ActivityTypes.Invoke, name: 'adaptiveCard/action', replyToId: '1700000000001' });
      expect(act.conversation.id).to.equal(`${EMEA};messageid=1700000000001`);
      const r = await sendActivity(botUrl, act);
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card('did accept') });
      expect(lastInvoke).to.deep.equal({ trigger: 'automatic', verb: 'accept', data: { referralId: 'r-1', v: 3 } });

      const bad = await sendActivity(botUrl, { ...act, value: { action: { type: 'Action.Submit' } } });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.include({ statusCode: 400, type: 'application/vnd.microsoft.error' });
    });
  });
});
