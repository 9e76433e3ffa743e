// Property tests (fast-check) of the parsers that take outside input, against the real service
// over HTTP where it matters (docs/architecture.md#hardening): whatever the body, the answer is
// never a 5xx, the service keeps answering, and a 4xx stores nothing. Seeded, so a failure
// reproduces; a few hundred runs each keep `npm test` fast.

import { expect } from 'chai';
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { parseCardAction } from '../../cards/actions.js';
import { parseForm } from '../../referrals/forms.js';
import { FORM_NAMES } from '../../referrals/form-fields.js';
import { sendInvoke } from '../support/bot-client.js';
import { cardInEmea, recordFiles } from '../support/channel-card.js';
import { filesUnder } from '../support/data-dir.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { getReferral, postReferral, request, sampleRfi } from '../support/intake-client.js';
import { removeDir, startService, type TestService } from '../support/start-service.js';
import { cardAction } from '../support/teams-activities.js';

const SEED = 20261203;
let runs = 0;
const storedRecords = async (service: TestService) => recordFiles(await filesUnder(service.dataDir));

/** An RFI with one field (at any depth) replaced by an arbitrary JSON value, or removed. */
const mutatedRfi = fc
  .tuple(fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.constant(undefined)), fc.string({ unit: 'binary', maxLength: 40 }))
  .map(([pick, value, id]) => {
    // A fresh id each run (the counter), so a 400 is never mistaken for an earlier run's referral.
    const rfi = structuredClone(sampleRfi(`fuzz-${(runs += 1)}-${id}`)) as Record<string, any>;
    const paths: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        const next = [...path, Array.isArray(node) ? Number(key) : key];
        paths.push(next);
        walk(child, next);
      }
    };
    walk(rfi, []);
    const path = paths[pick % paths.length]!;
    let parent: any = rfi;
    for (const segment of path.slice(0, -1)) parent = parent[segment];
    if (value === undefined) delete parent[path.at(-1)!];
    else parent[path.at(-1)!] = value;
    return rfi;
  });

/** Bytes a hostile client might send, with the headers it might claim. */
const hostileBody = fc.record({
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.jsonValue({ maxDepth: 6 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
    fc.string({ unit: 'binary', maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.nat({ max: 3000 }).map((depth) => Buffer.from('['.repeat(depth) + ']'.repeat(depth))),
  ),
  gzip: fc.boolean(),
  contentType: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'text/plain',
    'application/x+json',
    '',
  ),
  encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity'),
});

describe('fuzz: outside input never breaks the service (component)', function () {
  this.timeout(120_000);

  describe('intake', () => {
    let service: TestService;
    before(async () => {
      service = await startService();
    });
    after(async () => {
      await service.stop();
      await removeDir(service.dataDir);
    });

    it('a referral with any one field changed: 201/200 or a 400 that stores nothing; never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(mutatedRfi, async (rfi) => {
          const before = await storedRecords(service);
          const res = await postReferral(service.url, rfi);
          expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201, 400]);
          if (res.status === 400) {
            expect(res.body.error).to.be.a('string');
            expect(await storedRecords(service)).to.deep.equal(before);
            if (typeof rfi['id'] === 'string' && rfi['id'].length < 150) expect((await getReferral(service.url, rfi['id'])).status).to.be.oneOf([404, 400]);
          }
        }),
        { numRuns: 250, seed: SEED },
      );
    });

    it('any bytes with any content type and encoding: a 4xx in the one error shape that stores nothing, or a referral; never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(hostileBody, async ({ bytes, gzip, contentType, encoding }) => {
          const before = await storedRecords(service);
          const headers: Record<string, string> = {
            ...(contentType !== '' && { 'content-type': contentType }),
            ...(encoding && { 'content-encoding': encoding }),
          };
          const res = await request(`${service.url}/api/referrals`, { method: 'POST', body: gzip ? gzipSync(bytes) : bytes, headers });
          expect(res.status).to.be.below(500);
          if (res.status >= 400) {
            expect(Object.keys(res.body as object)).to.include('error');
            expect(await storedRecords(service)).to.deep.equal(before);
          }
        }),
        { numRuns: 300, seed: SEED },
      );
      expect((await postReferral(service.url, sampleRfi('still-serving'))).status).to.equal(201);
    });
  });

  describe('card actions', () => {
    it('parseCardAction takes any verb and data without throwing, and never lets __proto__ supply inputs', () => {
      fc.assert(
        fc.property(fc.anything(), fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())), (verb, data) => {
          const parsed = parseCardAction(verb, data);
          if (parsed.ok && parsed.action.verb === 'submit') expect(Object.getPrototypeOf(parsed.action.inputs)).to.equal(Object.prototype);
        }),
        { numRuns: 2000, seed: SEED },
      );
    });

    it('parseForm takes any inputs for every form without throwing', () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...FORM_NAMES),
          fc.dictionary(fc.string(), fc.anything()),
          fc.constantFrom('inbox', 'classic' as const),
          (form, inputs, flow) => {
            const result = parseForm(form, inputs, { now: new Date('2026-03-02T09:00:00Z'), flow });
            expect(result.ok === true || typeof result.errors === 'object').to.equal(true);
          },
        ),
        { numRuns: 1000, seed: SEED },
      );
    });

    describe('over HTTP', () => {
      let service: TestService;
      let fake: FakeConnector;
      let cardId: string;
      before(async () => {
        fake = await startFakeConnector();
        service = await startService();
        cardId = await cardInEmea(service.url, fake, 'fuzzed-card');
      });
      after(async () => {
        await service.stop();
        await fake.close();
        await removeDir(service.dataDir);
      });

      it('an invoke with any verb and data about a real referral: never a 5xx, and only a valid submit changes it', async () => {
        const { version } = (await getReferral(service.url, 'fuzzed-card')).body as { version: number };
        const data = fc.oneof(
          fc.anything(),
          fc.record({
            referralId: fc.constant('fuzzed-card'),
            version: fc.oneof(fc.constant(version), fc.anything()),
            form: fc.anything(),
            command: fc.anything(),
          }),
          fc.record({ referralId: fc.constant('fuzzed-card'), version: fc.constant(version), form: fc.constantFrom(...FORM_NAMES) }),
        );
        const verbs = fc.oneof(fc.constantFrom('show', 'open', 'submit', 'do', 'cancel', 'refresh'), fc.anything());
        await fc.assert(
          fc.asyncProperty(verbs, data, async (verb, value) => {
            const res = await sendInvoke(
              service.url,
              cardAction({ serviceUrl: fake.url, verb: verb as string, data: value as Record<string, unknown>, cardActivityId: cardId }),
            );
            expect(res.status).to.be.below(500);
          }),
          { numRuns: 200, seed: SEED },
        );
        // Nothing above was a complete, valid form: the referral is as it was.
        expect((await getReferral(service.url, 'fuzzed-card')).body).to.include({ status: 'New', version });
      });
    });
  });
});
