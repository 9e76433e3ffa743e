// Hostile request bodies against the real service (docs/architecture.md#hardening): broken or
// oversized compression, wrong charsets, deep nesting. Each answers 4xx in the one error shape,
// stores nothing, and the service keeps serving.

import { expect } from 'chai';
import { connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { recordFiles } from '../support/channel-card.js';
import { filesUnder } from '../support/data-dir.js';
import { getReferral, postReferral, request, sampleRfi } from '../support/intake-client.js';
import { serviceForEachTest, type TestService } from '../support/start-service.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

function postBytes(service: TestService, path: string, body: Buffer | string, headers: Record<string, string>) {
  return request(`${service.url}${path}`, { method: 'POST', headers, body });
}

/** Asserts the answer is `status` in the one error shape and that the service still takes in a referral. */
async function expectRefusedAndServing(service: TestService, res: { status: number; body: unknown }, status: number, error: RegExp): Promise<void> {
  expect(res.status).to.equal(status);
  expect(res.body).to.have.keys('error');
  expect((res.body as { error: string }).error).to.match(error);
  const probe = `alive-${Math.random().toString(36).slice(2)}`;
  expect((await postReferral(service.url, sampleRfi(probe))).status).to.equal(201);
}

describe('hostile bodies (component)', () => {
  const service = serviceForEachTest();
  let before: string[];

  beforeEach(async () => {
    before = await filesUnder(service().dataDir);
  });

  const storedNothing = async () => {
    // The probe referral of expectRefusedAndServing is the only new file.
    const added = (await filesUnder(service().dataDir)).filter((name) => !before.includes(name));
    // Record files only: a write of the probe under way may have a temp file next to its record.
    expect(recordFiles(added)).to.have.length(1);
  };

  describe('compression on the intake API', () => {
    it('a body that claims gzip but is not gzip is a 400 and the service keeps serving', async () => {
      const res = await postBytes(service(), '/api/referrals', JSON.stringify(sampleRfi('not-gzip')), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
      await expectRefusedAndServing(service(), res, 400, /Content-Encoding/);
      expect((await getReferral(service().url, 'not-gzip')).status).to.equal(404);
    });

    it('a truncated gzip body is a 400 and the service keeps serving', async () => {
      const gz = gzipSync(JSON.stringify(sampleRfi('truncated')));
      const res = await postBytes(service(), '/api/referrals', gz.subarray(0, gz.length - 12), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
      await expectRefusedAndServing(service(), res, 400, /Content-Encoding/);
      expect((await getReferral(service().url, 'truncated')).status).to.equal(404);
    });

    it('a gzip bomb (8 KB that inflate to 8 MiB) is a 413 on the inflated size, and nothing is stored', async () => {
      const bomb = gzipSync(`{"id":"bomb","pad":"${'a'.repeat(8 * 1024 * 1024)}"}`);
      expect(bomb.length).to.be.below(16 * 1024);
      const res = await postBytes(service(), '/api/referrals', bomb, { ...JSON_HEADERS, 'content-encoding': 'gzip' });
      await expectRefusedAndServing(service(), res, 413, /larger than the limit of 262144 bytes/);
      expect((await getReferral(service().url, 'bomb')).status).to.equal(404);
      await storedNothing();
    });

    it('a gzip or deflate body within the limit is taken in', async () => {
      const gz = await postBytes(service(), '/api/referrals', gzipSync(JSON.stringify(sampleRfi('gzipped'))), { ...JSON_HEADERS, 'content-encoding': 'gzip' });
      expect(gz.status).to.equal(201);
      const deflated = await postBytes(service(), '/api/referrals', deflateSync(JSON.stringify(sampleRfi('deflated'))), {
        ...JSON_HEADERS,
        'content-encoding': 'deflate',
      });
      expect(deflated.status).to.equal(201);
    });

    it('an encoding it does not know (br, or two in a row) is a 415', async () => {
      const br = await postBytes(service(), '/api/referrals', 'x', { ...JSON_HEADERS, 'content-encoding': 'br' });
      await expectRefusedAndServing(service(), br, 415, /Content-Encoding "br"/);
      const twice = await postBytes(service(), '/api/referrals', gzipSync(gzipSync('{}')), { ...JSON_HEADERS, 'content-encoding': 'gzip, gzip' });
      expect(twice.status).to.equal(415);
    });
  });

  describe('character sets and media types', () => {
    it('application/json with a space before ;charset=utf-8 is parsed', async () => {
      const res = await postBytes(service(), '/api/referrals', JSON.stringify(sampleRfi('spaced')), { 'content-type': 'application/json ;charset=utf-8' });
      expect(res.status).to.equal(201);
    });

    it('an application/*+json type is parsed', async () => {
      const res = await postBytes(service(), '/api/referrals', JSON.stringify(sampleRfi('plus-json')), {
        'content-type': 'application/vnd.partner.referral+json',
      });
      expect(res.status).to.equal(201);
    });

    it('a body declared in another charset is a 415, not mangled', async () => {
      const latin1 = Buffer.from(JSON.stringify(sampleRfi('latin1', { name: 'Müller' })), 'latin1');
      const res = await postBytes(service(), '/api/referrals', latin1, { 'content-type': 'application/json; charset=ISO-8859-1' });
      await expectRefusedAndServing(service(), res, 415, /UTF-8/);
      expect((await getReferral(service().url, 'latin1')).status).to.equal(404);
    });

    it('Latin-1 bytes sent as JSON (UTF-8 by definition) are a 400, not mangled', async () => {
      const latin1 = Buffer.from(JSON.stringify(sampleRfi('latin1-bare', { name: 'Müller' })), 'latin1');
      const res = await postBytes(service(), '/api/referrals', latin1, JSON_HEADERS);
      await expectRefusedAndServing(service(), res, 400, /not valid UTF-8/);
      expect((await getReferral(service().url, 'latin1-bare')).status).to.equal(404);
    });
  });

  describe('nesting', () => {
    it('4 KB of nested arrays are a 400 that names the depth limit, not a 500, and nothing is stored', async () => {
      const deep = JSON.stringify(sampleRfi('deep', { extra: JSON.parse('['.repeat(2_000) + ']'.repeat(2_000)) as unknown }));
      const res = await postBytes(service(), '/api/referrals', deep, JSON_HEADERS);
      await expectRefusedAndServing(service(), res, 400, /deeper than 16 levels/);
      expect((await getReferral(service().url, 'deep')).status).to.equal(404);
      await storedNothing();
    });

    it('brackets inside strings do not count as nesting', async () => {
      const res = await postReferral(service().url, sampleRfi('brackets', { details: { notes: '[[[[{{{{'.repeat(200) } }));
      expect(res.status).to.equal(201);
    });
  });

  it('a client that sends half a body and hangs up leaves the service serving', async () => {
    const { port } = new URL(service().url);
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /api/referrals HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: 5000\r\n\r\n',
        );
        socket.write(gzipSync('{"id":"half"').subarray(0, 10), () => socket.destroy());
      });
      socket.once('close', () => resolve());
      socket.once('error', reject);
    });
    // The reset reached the server before this new connection did (one loopback, in order).
    expect((await postReferral(service().url, sampleRfi('after-hang-up'))).status).to.equal(201);
    expect((await getReferral(service().url, 'half')).status).to.equal(404);
  });

  it('an unknown route answers 404 in the one error shape', async () => {
    const res = await request(`${service().url}/api/nothing-here`);
    expect(res.status).to.equal(404);
    expect(res.body).to.have.keys('error');
  });
});
