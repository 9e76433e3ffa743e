// A bounded soak (docs/architecture.md#hardening): a few thousand random bad requests, over
// loopback, at the real process (`bot/main.ts` as a child). Afterwards the process is alive and
// still answers, its memory has not kept growing, and the data directory is byte for byte as it was.

import { expect } from 'chai';
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { snapshot } from '../support/data-dir.js';
import { postReferral, request, sampleRfi } from '../support/intake-client.js';
import { removeDir, startChildService, tempDataDir, type ChildService } from '../support/start-service.js';

const REQUESTS = 3_000;
const PARALLEL = 8;

interface BadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((value) => Buffer.from(value)),
  fc.jsonValue({ maxDepth: 5 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc.nat({ max: 5_000 }).map((depth) => Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth))),
  fc.constant(gzipSync('x'.repeat(4 * 1024 * 1024))),
  fc.constant(Buffer.from('{"id": "x",')),
);

const badRequest: fc.Arbitrary<BadRequest> = fc.oneof(
  // The intake API: bodies that are not a referral, in every wrapping.
  fc
    .record({
      body: bytes,
      gzip: fc.boolean(),
      type: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'text/plain', 'application/problem+json'),
      encoding: fc.constantFrom(undefined, 'gzip', 'deflate', 'br'),
    })
    .map(({ body, gzip, type, encoding }) => ({
      method: 'POST',
      path: '/api/referrals',
      headers: { 'content-type': type, ...(encoding && { 'content-encoding': encoding }) },
      body: gzip ? gzipSync(body) : body,
    })),
  // The messages endpoint: compressed or broken bodies that never reach the bot.
  bytes.map((body) => ({ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body })),
  fc
    .constantFrom('{', '[]', '"x"', 'null', '{"type": 5}')
    .map((body) => ({ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body: Buffer.from(body) })),
  // Reads with odd ids and queries, unknown routes and methods.
  fc.string({ maxLength: 300 }).map((id) => ({ method: 'GET', path: `/api/referrals/${encodeURIComponent(id)}`, headers: {} })),
  fc
    .string({ maxLength: 50 })
    .map((value) => ({ method: 'GET', path: `/api/referrals?status=${encodeURIComponent(value)}&substatus=${encodeURIComponent(value)}`, headers: {} })),
  fc.constantFrom('PUT', 'DELETE', 'PATCH').map((method) => ({ method, path: '/api/referrals', headers: {} })),
  fc.webPath().map((path) => ({ method: 'GET', path: `/nothing${path}`, headers: {} })),
);

/** Resident memory of a process, in bytes (Linux). */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function fire(service: ChildService, requests: readonly BadRequest[]): Promise<{ method: string; status: number }[]> {
  const statuses: { method: string; status: number }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const { method, path, headers, body } = requests[next++]!;
      const res = await fetch(`${service.url}${path}`, { method, headers, ...(body && { body }), signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      statuses.push({ method, status: res.status });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return statuses;
}

describe('soak: thousands of bad requests (component, child process)', function () {
  this.timeout(180_000);
  let dir: string;
  let service: ChildService;

  before(async () => {
    dir = await tempDataDir();
    service = await startChildService({ DATA_DIR: dir });
    expect((await postReferral(service.url, sampleRfi('before-soak'))).status).to.equal(201);
  });
  after(async () => {
    service.child.kill('SIGTERM');
    await service.exited;
    await removeDir(dir);
  });

  it(`${REQUESTS} random bad requests: never a 5xx, the process alive and answering, memory flat, the store unchanged`, async () => {
    const requests = fc.sample(badRequest, { numRuns: REQUESTS, seed: 20261203 });
    // The referral was on disk before its 201; with no channel its card waits unrouted, and no timer
    // is due for a day: nothing else writes, so any change from here on is the soak's.
    const stored = await snapshot(dir);

    const warmUp = await fire(service, requests.slice(0, REQUESTS / 3));
    const rssAfterWarmUp = await rssOf(service.child.pid!);
    const rest = await fire(service, requests.slice(REQUESTS / 3));
    const rssAtEnd = await rssOf(service.child.pid!);

    const statuses = [...warmUp, ...rest];
    expect(statuses.filter(({ status }) => status >= 500)).to.deep.equal([]);
    // Reads may find nothing or list what is there; no write was taken.
    expect(statuses.filter(({ method, status }) => method !== 'GET' && status < 400)).to.deep.equal([]);
    expect(service.child.exitCode).to.equal(null);
    expect((await request(`${service.url}/healthz`)).status).to.equal(200);
    expect(await snapshot(dir)).to.deep.equal(stored);
    // Twice the requests after warm-up may not cost more than a little garbage not yet collected.
    expect(rssAtEnd - rssAfterWarmUp, `RSS ${rssAfterWarmUp} → ${rssAtEnd}`).to.be.below(64 * 1024 * 1024);
    expect(service.output()).not.to.match(/"level":"error"/);
  });
});
