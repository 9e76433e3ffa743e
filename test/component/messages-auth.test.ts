// /api/messages auth: with an app id set, calls that are not authentic get 401 (never 500), also
// on a machine that cannot reach the token issuer.

import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import { request } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';

const activity = {
  type: 'message',
  id: 'a1',
  text: 'help',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/',
  from: { id: '29:user', name: 'User' },
  recipient: { id: '28:bot', name: 'Referral Desk' },
  conversation: { id: 'a:personal' },
};

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('/api/messages auth (component)', () => {
  let service: TestService;
  before(async () => {
    service = await startService({
      MicrosoftAppId: '11111111-1111-1111-1111-111111111111',
      MicrosoftAppPassword: 'not-a-real-secret',
      MicrosoftAppTenantId: '22222222-2222-2222-2222-222222222222',
      INTAKE_API_KEY: 'intake-key',
      ALLOWED_TENANTS: '22222222-2222-2222-2222-222222222222',
      MANAGER_IDS: '33333333-3333-3333-3333-333333333333',
      HOST: '127.0.0.1',
    });
  });
  after(async () => {
    await service.stop();
    await removeDir(service.dataDir);
  });

  const post = (headers: Record<string, string>) => request(`${service.url}/api/messages`, { method: 'POST', json: activity, headers });

  it('401 without an Authorization header', async () => {
    expect((await post({})).status).to.equal(401);
  });

  it('401 with a token that is not a JWT', async () => {
    expect((await post({ authorization: 'Bearer not-a-token' })).status).to.equal(401);
  });

  it('401 with a forged JWT from an unknown issuer', async () => {
    const token = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'x' })}.${base64url({ iss: 'https://evil.example', aud: '11111111-1111-1111-1111-111111111111', exp: Date.now() / 1000 + 600 })}.c2ln`;
    const res = await post({ authorization: `Bearer ${token}` });
    expect(res.status).to.equal(401);
  });

  it('401 (not 500) with a forged JWT from the real issuer while the issuer cannot be reached', async () => {
    const token = `${base64url({ alg: 'RS256', typ: 'JWT', kid: 'x' })}.${base64url({ iss: 'https://api.botframework.com', aud: '11111111-1111-1111-1111-111111111111', exp: Date.now() / 1000 + 600 })}.c2ln`;
    const res = await post({ authorization: `Bearer ${token}` });
    expect(res.status).to.equal(401);
  });

  it('the token is checked before the body: a 500 KB body of broken JSON with a bad token is a 401, nothing parsed', async () => {
    const broken = Buffer.concat([Buffer.from('{"type":"message","text":"'), Buffer.alloc(500 * 1024, 'x')]); // never closed
    const res = await request(`${service.url}/api/messages`, {
      method: 'POST',
      body: broken,
      headers: { 'content-type': 'application/json', authorization: 'Bearer a.b.c' },
    });
    expect(res.status).to.equal(401);
    expect(res.body.error).to.match(/token/);
    // What a parse would have said (400, "not valid JSON") never comes, whatever else the body is.
    for (const [body, type] of [
      [JSON.stringify({ hello: 1 }), 'application/json'],
      ['hi', 'text/plain'],
    ] as const) {
      const other = await request(`${service.url}/api/messages`, { method: 'POST', body, headers: { 'content-type': type, authorization: 'Bearer a.b.c' } });
      expect(other.status, body).to.equal(401);
    }
  });

  it('a compressed body with a bad token is a 401: nothing is inflated for an unauthenticated caller', async () => {
    for (const body of [Buffer.from('not gzip at all'), gzipSync(JSON.stringify(activity)).subarray(0, 20), gzipSync('a'.repeat(8 * 1024 * 1024))]) {
      const res = await request(`${service.url}/api/messages`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer a.b.c' },
      });
      expect(res.status).to.equal(401);
    }
    expect((await request(`${service.url}/healthz`)).status).to.equal(200);
  });

  it('/healthz tells a stranger "ok" and nothing else: no account, host, count or time; the intake key shows the detail', async () => {
    const stranger = await request(`${service.url}/healthz`);
    expect(stranger.status).to.equal(200);
    expect(stranger.body).to.deep.equal({ status: 'ok' });
    expect((await request(`${service.url}/healthz`, { headers: { authorization: 'Bearer wrong-key' } })).body).to.deep.equal({ status: 'ok' });
    const operator = await request(`${service.url}/healthz`, { headers: { authorization: 'Bearer intake-key' } });
    expect(operator.body).to.include({ status: 'ok', mode: 'authenticated' });
    expect(operator.body).to.have.keys('status', 'mode', 'store', 'scheduler', 'referrals', 'outbox', 'partnerCenter');
  });
});
