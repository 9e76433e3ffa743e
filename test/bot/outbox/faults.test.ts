// Transient failures are retried (Retry-After honoured) and the card is posted exactly once;
// after the attempt bound an item is parked as failed, visible, and retried at the next start or
// by retryFailed(); a permanent error parks it at once.

import { expect } from 'chai';
import { request } from '../../support/intake-client.js';
import type { TestService } from '../../support/start-service.js';
import {
  CHANNELS,
  channelTarget,
  outboxEmpty,
  postedReferralIds,
  recordOf,
  rfiFrom,
  route,
  seed,
  startTestService,
  takeIn,
  useOutboxRig,
} from '../../support/outbox.js';
import { outboxStatus } from '../../../bot/outbox/status.js';
import { waitFor } from '../../support/wait-for.js';

const SCALE = 0.05;

describe('outbox: transient failures, retries and parking (component)', function () {
  this.timeout(20_000);
  const rig = useOutboxRig(SCALE);

  async function start(env: Record<string, string> = {}, maxAttempts?: number): Promise<TestService> {
    const service = await startTestService(rig.dataDir, SCALE, env, maxAttempts ? { retry: { maxAttempts } } : {});
    await seed(service, [channelTarget(rig.fake.url, CHANNELS.emea, 'EMEA')], [route(CHANNELS.emea)]);
    return service;
  }

  const postsTo = (channel: string) => rig.fake.byOp('sendToConversation').filter((r) => r.conversationId === channel);

  it('429 with Retry-After: waits at least that long, then posts once', async () => {
    rig.app = await start();
    const throttle = rig.fake.fail(CHANNELS.emea, { status: 429, retryAfter: 0.4 });
    await takeIn(rig.app, [rfiFrom('t429-1', 'DE'), rfiFrom('t429-2', 'DE')]);
    await waitFor('both posted', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 2 && outboxEmpty(rig.app!));
    expect(throttle.served).to.equal(1);
    const attempts = postsTo(CHANNELS.emea);
    const throttled = attempts.find((r) => r.status === 429)!;
    const next = attempts.find((r) => r.seq > throttled.seq)!;
    expect(next.at - throttled.at, 'the conversation paused for Retry-After').to.be.at.least(400);
    expect(postedReferralIds(rig.fake, CHANNELS.emea), 'once each, in order').to.deep.equal(['t429-1', 't429-2']);
  });

  it('503, a dropped connection and a timeout are retried with backoff; each card is posted once', async () => {
    rig.app = await start({ SEND_TIMEOUT: 'PT0.3S' });
    rig.fake.fail(CHANNELS.emea, { status: 503 });
    rig.fake.fail(CHANNELS.emea, { drop: true });
    rig.fake.fail(CHANNELS.emea, { timeout: 1_000 });
    await takeIn(rig.app, [rfiFrom('flaky-1', 'DE'), rfiFrom('flaky-2', 'DE')]);
    await waitFor('both posted', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 2 && outboxEmpty(rig.app!), 10_000);
    expect(postsTo(CHANNELS.emea).map((r) => r.outcome)).to.deep.equal(['fault', 'dropped', 'fault', 'ok', 'ok']);
    expect(postedReferralIds(rig.fake, CHANNELS.emea)).to.deep.equal(['flaky-1', 'flaky-2']);
    const record = await recordOf(rig.app, 'flaky-1');
    expect(record.card?.activityId).to.be.a('string');
  });

  it('parks an item after the attempt bound, shows it, and retries it at the next start', async () => {
    rig.app = await start({}, 3);
    const outage = rig.fake.fail(CHANNELS.emea, { status: 503 }, Infinity);
    await takeIn(rig.app, [rfiFrom('parked-1', 'DE')]);
    const parked = await waitFor('the item parked', () => rig.app!.store.openRecords().find((r) => r.outbox[0]?.state === 'failed'));
    expect(outage.served).to.equal(3);
    expect(parked.outbox[0]).to.deep.include({ kind: 'postCard', attempts: 3, state: 'failed' });
    expect(parked.outbox[0]!.lastError).to.match(/^503 ServiceUnavailable/);
    expect(parked.outbox[0]).to.not.have.property('notBefore');

    expect(rig.app.sender.stats()).to.deep.include({ pending: 0, failed: 1 });
    const health = await request(`${rig.app.url}/healthz`);
    expect(health.body.outbox).to.deep.include({ pending: 0, failed: 1 });
    const status = outboxStatus(rig.app.store);
    expect(status.failedItems).to.have.length(1);
    expect(status.failedItems[0]).to.deep.include({
      referralId: 'parked-1',
      kind: 'postCard',
      target: `channel:${CHANNELS.emea}`,
      targetName: 'Partner Sales › EMEA',
      attempts: 3,
    });

    // Nothing more is tried while it is parked: a whole delivery pass goes by (woken, then idle) without a request.
    rig.app.sender.wake();
    await new Promise((resolve) => setImmediate(resolve));
    await rig.app.sender.whenIdle();
    expect(outage.served).to.equal(3);

    outage.cancel();
    await rig.app.stop();
    rig.app = await startTestService(rig.dataDir, SCALE);
    await waitFor('posted after the restart', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));
    expect((await recordOf(rig.app, 'parked-1')).card?.activityId).to.be.a('string');
  });

  it('retryFailed() sends parked items again; a permanent error (400) parks at once', async () => {
    rig.app = await start();
    rig.fake.fail(CHANNELS.emea, { status: 400, code: 'BadArgument' });
    await takeIn(rig.app, [rfiFrom('bad-1', 'DE')]);
    const parked = await waitFor('parked at once', () => rig.app!.store.openRecords().find((r) => r.outbox[0]?.state === 'failed'));
    expect(parked.outbox[0]).to.deep.include({ attempts: 1, state: 'failed' });
    expect(parked.outbox[0]!.lastError).to.match(/^400 BadArgument/);

    expect(await rig.app.sender.retryFailed()).to.equal(1);
    await waitFor('posted', () => postedReferralIds(rig.fake, CHANNELS.emea).length === 1 && outboxEmpty(rig.app!));
    expect(rig.app.sender.stats()).to.deep.include({ pending: 0, failed: 0 });
  });
});
