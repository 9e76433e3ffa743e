// An unexpected failure inside a request (here: the disk refuses a write) answers 500 in the one
// error shape with nothing internal in it, and writes one error line to the log.

import { expect } from 'chai';
import sinon from 'sinon';
import { createLogger } from '../../bot/logger.js';
import { postReferral, request, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';

describe('unexpected errors (component)', () => {
  let service: TestService;
  const lines: Record<string, unknown>[] = [];

  beforeEach(async () => {
    lines.length = 0;
    service = await startService({}, { log: createLogger('info', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)) });
  });
  afterEach(async () => {
    sinon.restore();
    await service.stop();
    await removeDir(service.dataDir);
  });

  it('a write the disk refuses is a 500 {"error":"internal error"} without the path, logged once with it', async () => {
    const path = `${service.dataDir}/open/0123.json.1204840830`;
    sinon.stub(service.store, 'commitCommand').rejects(Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' }));
    const res = await postReferral(service.url, sampleRfi('refused-write'));
    expect(res.status).to.equal(500);
    expect(res.body).to.deep.equal({ error: 'internal error' });
    const errors = lines.filter((line) => line['level'] === 'error');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.include({ msg: 'request failed', method: 'POST', route: '/api/referrals' });
    expect(JSON.stringify(errors[0])).to.include(path);
    sinon.restore();
    expect((await postReferral(service.url, sampleRfi('after-refusal'))).status).to.equal(201);
  });

  it('a method the route does not take is a 405 in the one error shape', async () => {
    const res = await request(`${service.url}/api/referrals`, { method: 'DELETE' });
    expect(res.status).to.equal(405);
    expect(res.body).to.have.keys('error');
  });
});
