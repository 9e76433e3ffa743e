// The PostgreSQL store losing its database (docs/deploy.md#postgresql): requests are answered 503
// with Retry-After at once, never left hanging; when the database is back the service recovers
// by itself, and what was written before the outage is all there.

import { expect } from 'chai';
import { getReferral, postReferral, request, sampleRfi } from '../support/intake-client.js';
import { createTestDatabase, dropTestDatabase, SKIP_REASON, TEST_DATABASE_URL } from '../support/postgres.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { startTcpSwitch, type TcpSwitch } from '../support/tcp-switch.js';
import { waitFor } from '../support/wait-for.js';

describe('the database goes away and comes back (component)', function () {
  this.timeout(60_000);
  if (TEST_DATABASE_URL === '') {
    it(SKIP_REASON);
    return;
  }
  let databaseUrl: string;
  let line: TcpSwitch;
  let service: TestService | undefined;

  afterEach(async () => {
    await line?.restore().catch(() => undefined);
    await service?.stop();
    if (service) await removeDir(service.dataDir);
    await line?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('answers 503 with Retry-After within seconds while it is down, and works again once it is back', async () => {
    databaseUrl = await createTestDatabase();
    const direct = new URL(databaseUrl);
    line = await startTcpSwitch(direct.hostname, Number(direct.port));
    const viaSwitch = new URL(databaseUrl);
    viaSwitch.port = String(line.port);
    service = await startService({ DATABASE_URL: viaSwitch.toString(), SCHEDULER_FAILOVER: 'PT3S' });
    expect((await postReferral(service.url, sampleRfi('before-outage'))).status).to.equal(201);
    const health = await request(`${service.url}/healthz`);
    expect(health.body.store).to.deep.include({ kind: 'postgres' });
    expect(health.body.scheduler).to.include({ leader: true });

    await line.cut();
    const started = Date.now();
    const refused = await postReferral(service.url, sampleRfi('during-outage'));
    expect(Date.now() - started, 'answered, not left hanging').to.be.below(6_000);
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('5');
    expect(refused.body).to.deep.equal({ error: 'the database is unavailable; try again shortly' });
    // Open work is read from the instance's cache: a seller can still look while writes wait.
    expect((await getReferral(service.url, 'before-outage')).status).to.equal(200);
    // And the operator's monitor still gets its figures.
    const during = await request(`${service.url}/healthz`);
    expect(during.status).to.equal(200);
    expect(during.body.referrals).to.deep.equal({ open: 1, archived: 0 });

    await line.restore();
    const answer = await waitFor('an answer other than 503', async () => {
      const attempt = await postReferral(service!.url, sampleRfi('after-outage'));
      return attempt.status !== 503 && attempt;
    });
    expect(answer.status).to.equal(201);
    expect((await getReferral(service.url, 'before-outage')).status).to.equal(200);
    expect((await getReferral(service.url, 'during-outage')).status, 'refused, so not stored').to.equal(404);
    // The change feed reconnects too (what other instances write reaches this one again).
    await waitFor('the change feed back', async () => (await request(`${service!.url}/healthz`)).body.store.pool.changeFeed === true).catch(() => undefined);
    expect((await request(`${service.url}/healthz`)).body.store.pool.changeFeed).to.equal(true);
  });
});
