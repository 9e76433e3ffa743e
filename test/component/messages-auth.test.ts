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

  it('400 for a body that is not an activity, 415 for a body that is not JSON', async () => {
    const notActivity = await request(`${service.url}/api/messages`, { method: 'POST', json: { hello: 1 }, headers: { authorization: 'Bearer a.b.c' } });
    expect(notActivity.status).to.equal(400);
    const text = await request(`${service.url}/api/messages`, {
      method: 'POST',
      body: 'hi',
      headers: { 'content-type': 'text/plain', authorization: 'Bearer a.b.c' },
    });
    expect(text.status).to.equal(415);
    const unauthenticatedText = await request(`${service.url}/api/messages`, { method: 'POST', body: 'hi', headers: { 'content-type': 'text/plain' } });
    expect(unauthenticatedText.status).to.equal(401);
  });

  it('a compressed body is a 415 before its token is checked: nothing is inflated for an unauthenticated caller', async () => {
    for (const body of [Buffer.from('not gzip at all'), gzipSync(JSON.stringify(activity)).subarray(0, 20), gzipSync('a'.repeat(8 * 1024 * 1024))]) {
      const res = await request(`${service.url}/api/messages`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: 'Bearer a.b.c' },
      });
      expect(res.status).to.equal(415);
      expect(res.body.error).to.match(/Content-Encoding "gzip" is not accepted here/);
    }
    expect((await request(`${service.url}/healthz`)).status).to.equal(200);
  });
});
