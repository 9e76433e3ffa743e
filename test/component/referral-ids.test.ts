// Referral ids against the real service (docs/architecture.md#hardening): an id the store cannot
// keep faithfully, or one that only looks like another, is refused with one clear reason, so every
// 201 stays a referral of its own, also after a restart.

import { expect } from 'chai';
import { getReferral, postReferral, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';

describe('referral ids (component)', () => {
  let service: TestService;

  beforeEach(async () => {
    service = await startService();
  });
  afterEach(async () => {
    await service.stop();
    await removeDir(service.dataDir);
  });

  const problemsFor = async (id: string) => {
    const res = await postReferral(service.url, sampleRfi(id));
    expect(res.status, JSON.stringify(id)).to.equal(400);
    return (res.body as { details: { path: string; message: string }[] }).details.filter((problem) => problem.path === 'id').map((problem) => problem.message);
  };

  it('ids that differ only in lone surrogates are refused, so no two referrals can share a file', async () => {
    expect(await problemsFor('u4-\ud800')).to.deep.equal(['must be well-formed Unicode (it holds a lone surrogate)']);
    expect(await problemsFor('u4-\udbff')).to.deep.equal(['must be well-formed Unicode (it holds a lone surrogate)']);
    expect(await problemsFor('u4-\ufffd')).to.deep.equal(['must not contain U+FFFD or Unicode noncharacters']);
  });

  it('every id answered 201 is still there after a restart, each with its own data', async () => {
    const ids = ['u4-a', 'u4-\u00e9', 'u4-\u{1F600}', 'u4-\u4e2d\u6587', 'u4-a/b\\c', 'u4-' + 'x'.repeat(190)];
    for (const [index, id] of ids.entries()) {
      expect((await postReferral(service.url, sampleRfi(id, { name: `deal ${index}` }))).status, id).to.equal(201);
    }
    await service.stop();
    service = await startService({ DATA_DIR: service.dataDir });
    for (const [index, id] of ids.entries()) {
      const res = await getReferral(service.url, id);
      expect(res.status, id).to.equal(200);
      expect(res.body.id).to.equal(id);
      expect(res.body.name).to.equal(`deal ${index}`);
    }
  });

  it('bidi overrides, zero-width characters and C1 controls are refused', async () => {
    expect(await problemsFor('u5-\u202egnp.exe')).to.deep.equal([
      'must not contain invisible characters (bidi overrides, zero-width or private-use characters)',
    ]);
    expect(await problemsFor('u5-a\u200bb')).to.deep.equal(['must not contain invisible characters (bidi overrides, zero-width or private-use characters)']);
    expect(await problemsFor('u5-\u0085')).to.deep.equal(['must not contain control characters']);
  });

  it('an id that is not in NFC (a decomposed é) is refused: it would look like the composed one', async () => {
    expect(await problemsFor('u6-e\u0301')).to.deep.equal(['must be in Unicode normalization form NFC']);
  });

  it('a 201-character id gets one reason: too long', async () => {
    expect(await problemsFor('x'.repeat(201))).to.deep.equal(['must be at most 200 characters']);
  });

  it('a NUL or an escape character in a customer name is refused; line breaks in notes are fine', async () => {
    const nul = await postReferral(service.url, sampleRfi('u7-nul', { customerProfile: { name: 'Fabrikam\u0000 GmbH' } }));
    expect(nul.status).to.equal(400);
    expect(nul.body.details).to.deep.include({
      path: 'customerProfile.name',
      message: 'must not contain control characters (tab and line breaks are fine) or lone surrogates',
    });
    const esc = await postReferral(service.url, sampleRfi('u7-esc', { name: '\u001b[31mred' }));
    expect(esc.status).to.equal(400);
    const notes = await postReferral(service.url, sampleRfi('u7-notes', { details: { notes: 'line one\r\nline two\ttabbed' } }));
    expect(notes.status).to.equal(201);
  });
});
