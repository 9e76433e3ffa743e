// Component tests of the intake API against the real server on a free port: every response of
// the contract, idempotent re-delivery, bad bodies (each field rule), auth, and restart.

import { expect } from 'chai';
import { DAY, HOUR } from '../support/builders.js';
import { fakeClock } from '../support/fake-clock.js';
import { getReferral, postReferral, request, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';

/** "Now" held still for each test (today, on the hour): no timer falls due during a test, whatever the date. */
const NOW = new Date(Math.floor(Date.now() / HOUR) * HOUR);
const clock = fakeClock(NOW);

describe('intake API (component)', () => {
  let service: TestService;

  beforeEach(async () => {
    clock.set(NOW);
    service = await startService({}, { clock });
  });
  afterEach(async () => {
    await service.stop();
    await removeDir(service.dataDir);
  });

  it('GET /healthz answers 200 ok once the store is open', async () => {
    const res = await request(`${service.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('ok');
  });

  it('takes in a new RFI: 201 with the stored referral, New/Pending, deadlines from createdDateTime', async () => {
    const res = await postReferral(service.url, sampleRfi('rfi-1', {}, NOW.getTime()));
    expect(res.status).to.equal(201);
    expect(res.body).to.include({ id: 'rfi-1', status: 'New', substatus: 'Pending', name: 'Fabrikam cloud migration' });
    expect(res.body.createdDateTime).to.equal(new Date(NOW.getTime() - HOUR).toISOString());
    expect(res.body.expirationDateTime).to.equal(new Date(NOW.getTime() - HOUR + 14 * DAY).toISOString());
    expect(res.body.customerProfile.address.country).to.equal('DE');
    expect(res.body.details).to.include({ dealValue: 50000, currency: 'EUR' });
    expect(res.body.history).to.have.length(1);
    expect(res.body.history[0]).to.include({ type: 'received' });

    const stored = await getReferral(service.url, 'rfi-1');
    expect(stored.status).to.equal(200);
    expect(stored.body).to.deep.equal(res.body);
  });

  it('re-delivery of a known id answers 200 with the stored referral, unchanged', async () => {
    const first = await postReferral(service.url, sampleRfi('rfi-dup'));
    const again = await postReferral(service.url, sampleRfi('rfi-dup', { name: 'A different name', details: { notes: 'changed' } }));
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    const list = await request(`${service.url}/api/referrals`);
    expect(list.body.items.filter((item: { id: string }) => item.id === 'rfi-dup')).to.have.length(1);
  });

  it('concurrent deliveries of one id store it once: one 201, the rest 200', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => postReferral(service.url, sampleRfi('rfi-race'))));
    expect(results.map((res) => res.status).sort()).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const stored = await getReferral(service.url, 'rfi-race');
    expect(stored.body.history).to.have.length(1);
  });

  it('an incoming expirationDateTime overrides the computed expiry; without createdDateTime deadlines run from receipt', async () => {
    // Five days on, written in UTC+1 as a partner's system might: stored in UTC.
    const expiry = new Date(NOW.getTime() + 5 * DAY);
    const inUtcPlusOne = new Date(expiry.getTime() + HOUR).toISOString().replace(/\.\d{3}Z$/, '+01:00');
    const withExpiry = await postReferral(service.url, sampleRfi('rfi-exp', { expirationDateTime: inUtcPlusOne }));
    expect(withExpiry.body.expirationDateTime).to.equal(expiry.toISOString());

    const rfi = sampleRfi('rfi-now');
    delete rfi['createdDateTime'];
    const fromReceipt = await postReferral(service.url, rfi);
    const created = Date.parse(fromReceipt.body.createdDateTime);
    expect(created).to.equal(NOW.getTime());
    expect(Date.parse(fromReceipt.body.expirationDateTime) - created).to.equal(14 * 24 * 3600 * 1000);
  });

  it('keeps unknown fields', async () => {
    const res = await postReferral(service.url, sampleRfi('rfi-extra', { referralSource: 'Marketplace', target: { partnerId: 'p-1' } }));
    expect(res.status).to.equal(201);
    const stored = await getReferral(service.url, 'rfi-extra');
    expect(stored.body).to.deep.include({ referralSource: 'Marketplace', target: { partnerId: 'p-1' } });
  });

  describe('bad bodies get 400 listing every problem, and nothing is stored', () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ['missing id', { id: undefined }, 'id', /required/],
      ['empty id', { id: '' }, 'id', /empty/],
      ['id of the wrong type', { id: 42 }, 'id', /string/],
      ['missing customer name', { customerProfile: { size: 'small' } }, 'customerProfile.name', /required/],
      ['customerProfile not an object', { customerProfile: 'Fabrikam' }, 'customerProfile', /object/],
      ['bad country', { customerProfile: { name: 'X', address: { country: 'Germany' } } }, 'customerProfile.address.country', /ISO 3166/],
      ['bad currency', { details: { currency: 'EURO' } }, 'details.currency', /ISO 4217/],
      ['negative deal value', { details: { dealValue: -5 } }, 'details.dealValue', /≥ 0/],
      ['deal value as a string', { details: { dealValue: '5000' } }, 'details.dealValue', /number/],
      ['bad date', { createdDateTime: '21/11/2026' }, 'createdDateTime', /ISO 8601/],
      ['a day that does not exist', { createdDateTime: '2026-02-30T10:00:00Z' }, 'createdDateTime', /ISO 8601/],
      ['date-time without a zone', { details: { closingDateTime: '2026-12-01T10:00' } }, 'details.closingDateTime', /time zone/],
      ['bad e-mail', { customerProfile: { name: 'X', team: [{ email: 'not-an-email' }] } }, 'customerProfile.team[0].email', /e-mail/],
    ];
    for (const [name, override, path, message] of cases) {
      it(name, async () => {
        const rfi = { ...sampleRfi(`bad-${name}`), ...override };
        const res = await postReferral(service.url, rfi);
        expect(res.status).to.equal(400);
        expect(res.body.error).to.be.a('string');
        const problem = res.body.details.find((detail: { path: string }) => detail.path === path);
        expect(problem, JSON.stringify(res.body.details)).to.exist;
        expect(problem.message).to.match(message);
        expect((await request(`${service.url}/api/referrals`)).body.items).to.have.length(0);
      });
    }

    it('lists every problem at once', async () => {
      const res = await postReferral(service.url, { id: '', customerProfile: { address: { country: 'XX' } }, details: { currency: 'nope', dealValue: -1 } });
      expect(res.status).to.equal(400);
      expect(res.body.details.map((detail: { path: string }) => detail.path)).to.have.members([
        'id',
        'customerProfile.name',
        'customerProfile.address.country',
        'details.currency',
        'details.dealValue',
      ]);
    });

    it('malformed JSON → 400', async () => {
      const res = await request(`${service.url}/api/referrals`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id": "x",' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/not valid JSON/);
    });

    it('a JSON array → 400', async () => {
      const res = await postReferral(service.url, [sampleRfi('in-array')]);
      expect(res.status).to.equal(400);
    });

    it('not JSON → 415', async () => {
      const res = await request(`${service.url}/api/referrals`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'id=1' });
      expect(res.status).to.equal(415);
      expect(res.body.error).to.match(/application\/json/);
    });

    it('over 256 KiB → 413', async () => {
      const res = await postReferral(service.url, sampleRfi('too-big', { details: { notes: 'x'.repeat(300 * 1024) } }));
      expect(res.status).to.equal(413);
      expect((await getReferral(service.url, 'too-big')).status).to.equal(404);
    });
  });

  it('GET /api/referrals/:id → 404 for an unknown id', async () => {
    const res = await getReferral(service.url, 'nope');
    expect(res.status).to.equal(404);
    expect(res.body.error).to.include('nope');
  });

  it('GET /api/referrals lists newest first and filters by status and substatus', async () => {
    for (const [i, id] of ['a', 'b', 'c'].entries()) {
      clock.set(NOW.getTime() + i * 1000);
      expect((await postReferral(service.url, sampleRfi(id))).status).to.equal(201);
    }
    const all = await request(`${service.url}/api/referrals`);
    expect(all.body.items.map((item: { id: string }) => item.id)).to.deep.equal(['c', 'b', 'a']);
    expect((await request(`${service.url}/api/referrals?status=New&substatus=Pending`)).body.items).to.have.length(3);
    expect((await request(`${service.url}/api/referrals?status=Closed`)).body.items).to.have.length(0);
    const bad = await request(`${service.url}/api/referrals?status=Open`);
    expect(bad.status).to.equal(400);
    expect(bad.body.details[0].path).to.equal('status');
  });

  it('keeps data across a restart', async () => {
    await postReferral(service.url, sampleRfi('kept'));
    const dataDir = service.dataDir;
    await service.stop();
    service = await startService({ DATA_DIR: dataDir }, { clock });
    const res = await getReferral(service.url, 'kept');
    expect(res.status).to.equal(200);
    expect(res.body.customerProfile.name).to.equal('Fabrikam GmbH');
  });
});

describe('intake API auth (component)', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    if (service) {
      await service.stop();
      await removeDir(service.dataDir);
      service = undefined;
    }
  });

  it('with INTAKE_API_KEY set: 401 without or with a wrong key, 201 with the right one', async () => {
    service = await startService({ INTAKE_API_KEY: 's3cret-key' }, { clock });
    const none = await postReferral(service.url, sampleRfi('k1'));
    expect(none.status).to.equal(401);
    expect(none.headers.get('www-authenticate')).to.equal('Bearer');
    expect((await postReferral(service.url, sampleRfi('k1'), 'wrong')).status).to.equal(401);
    expect((await getReferral(service.url, 'k1', 'wrong')).status).to.equal(401);
    expect((await request(`${service.url}/api/referrals`)).status).to.equal(401);
    expect((await postReferral(service.url, sampleRfi('k1'), 's3cret-key')).status).to.equal(201);
    expect((await getReferral(service.url, 'k1', 's3cret-key')).status).to.equal(200);
  });

  it('with no key, only local callers: a request a proxy or tunnel forwarded gets 403', async () => {
    service = await startService({}, { clock });
    const forwardedHeaders: Array<Record<string, string>> = [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }];
    for (const header of forwardedHeaders) {
      const res = await request(`${service.url}/api/referrals`, { method: 'POST', json: sampleRfi('forwarded'), headers: header });
      expect(res.status).to.equal(403);
    }
    expect((await postReferral(service.url, sampleRfi('local'))).status).to.equal(201);
    expect((await getReferral(service.url, 'forwarded')).status).to.equal(404);
  });
});
