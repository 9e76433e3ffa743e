// Local mode (MicrosoftAppId empty: auth off, loopback only) against the real service: requests
// not addressed to this machine by name (DNS rebinding) and requests a local proxy forwarded are
// refused; small input slips get messages that say what is wrong.

import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import { sendInvoke } from '../support/bot-client.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral, request, sampleRfi } from '../support/intake-client.js';
import { serviceForEachTest } from '../support/start-service.js';
import { cardAction } from '../support/teams-activities.js';
import { cardInEmea } from '../support/channel-card.js';

/** A request with a Host header of our choosing (fetch does not let a caller set it). */
function withHost(url: string, host: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        headers: { host, ...(body !== undefined && { 'content-type': 'application/json' }) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

describe('local mode (component)', () => {
  const service = serviceForEachTest();

  it('refuses a request whose Host header names another machine (DNS rebinding), on every route', async () => {
    const port = new URL(service().url).port;
    for (const host of [`evil.example:${port}`, `127.attacker.example:${port}`, 'evil.example']) {
      for (const [method, path, body] of [
        ['GET', '/healthz'],
        ['POST', '/api/referrals', JSON.stringify(sampleRfi('rebound'))],
        ['POST', '/api/messages', '{"type":"message"}'],
      ] as const) {
        const res = await withHost(`${service().url}${path}`, host, method, body);
        expect(res.status, `${host} ${path}`).to.equal(403);
        expect(JSON.parse(res.body)).to.deep.equal({ error: 'in local mode (MicrosoftAppId empty) the Host header must be localhost, 127.0.0.1 or [::1]' });
      }
    }
    expect((await getReferral(service().url, 'rebound')).status).to.equal(404);
  });

  it('answers a Host header of localhost, 127.0.0.1 or [::1], with or without the port', async () => {
    const port = new URL(service().url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', 'LOCALHOST']) {
      expect((await withHost(`${service().url}/healthz`, host)).status, host).to.equal(200);
    }
  });

  it('/healthz: the detail for a local caller; for one a local proxy forwards, only the status', async () => {
    const local = await request(`${service().url}/healthz`);
    expect(local.body).to.include({ status: 'ok', mode: 'local' });
    expect(local.body.referrals).to.be.an('object');
    const forwarded = await request(`${service().url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(forwarded.body).to.deep.equal({ status: 'ok' });
  });

  it('treats X-Real-IP (and Via) from a local proxy as a forwarded caller: 403 without an intake key', async () => {
    for (const header of ['x-real-ip', 'via', 'x-forwarded-host']) {
      const res = await request(`${service().url}/api/referrals`, { method: 'POST', json: sampleRfi('proxied'), headers: { [header]: '203.0.113.9' } });
      expect(res.status, header).to.equal(403);
    }
    expect((await getReferral(service().url, 'proxied')).status).to.equal(404);
  });

  it('says a deal value of 1e309 is too large, not "must be a number"', async () => {
    const body = JSON.stringify(sampleRfi('huge')).replace('"dealValue":50000', '"dealValue":1e309');
    const res = await request(`${service().url}/api/referrals`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).to.equal(400);
    expect(res.body.details).to.deep.equal([{ path: 'details.dealValue', message: 'must be a finite number (this one is too large)' }]);
  });

  describe('with a channel', () => {
    let fake: FakeConnector;
    beforeEach(async () => {
      fake = await startFakeConnector();
    });
    afterEach(async () => {
      await fake.close();
    });

    it('"Won" on a New referral says it is not available while New, not that the referral is closed', async () => {
      const cardId = await cardInEmea(service().url, fake, 'won-on-new');
      const { version } = (await getReferral(service().url, 'won-on-new')).body as { version: number };
      const res = await sendInvoke(
        service().url,
        cardAction({
          serviceUrl: fake.url,
          verb: 'submit',
          data: { referralId: 'won-on-new', version, form: 'won' },
          cardActivityId: cardId,
        }),
      );
      const shown = JSON.stringify(res.body);
      expect(shown).to.include('That action is not available while the referral is New · Awaiting response.');
      expect(shown).not.to.include('already closed');
    });
  });
});
