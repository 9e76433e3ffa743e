// Delivery pacing benchmark (issue 5): N RFIs (default 500) routed to ONE channel, delivered by the
// real service's outbox sender to a local fake Teams connector that enforces Teams' per-thread
// limits (7/1 s, 8/2 s, 60/30 s, 1800/h) and the tenant limit (50/s), answering 429 beyond them.
//
//   node --import tsx scripts/bench/delivery-bench.ts [--count 500] [--scale 1] [--latency 50]
//
// --scale multiplies every window of the fake AND of the sender (0.1 runs the same experiment ten
// times faster); --latency is the fake's answer time in ms. Unscaled, 500 posts take ~4.3 min:
// 60 per 30 s is the ceiling. Progress goes to stderr; the last stdout line is JSON:
//   ratio       achieved posting rate / (60 per 30 s), over the run (first post → last post)   goal ≥ 0.9
//   steadyRatio the same after the first 60 posts (sliding windows let the first 60 go at once)
//   throttled   429s the fake served                                                             goal 0
//   duplicates  cards posted more than once; losses: RFIs whose card never came                   goal 0

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../bot/app.js';
import type { ConversationTarget } from '../../storage/bot-state-reads.js';
import { readConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startFakeConnector, TEAMS_TENANT_LIMITS, TEAMS_THREAD_LIMITS, type LimitRule } from '../../test/support/fake-connector.js';
import { postReferral, sampleRfi } from '../../test/support/intake-client.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const COUNT = Math.round(option('count', 500));
const SCALE = option('scale', 1);
const LATENCY_MS = option('latency', 50);
const CEILING_PER_S = 60 / 30;
const CHANNEL = '19:bench0channel0000000000000000@thread.tacv2';
const TENANT = '9c1e4b7a-3d2f-4e8b-a6c5-1f0e2d3c4b5a';

const scaled = (rules: readonly LimitRule[]) => rules.map((rule) => ({ windowMs: Math.round(rule.windowMs * SCALE), max: rule.max }));
const progress = (line: string) => process.stderr.write(`${line}\n`);

function referralIdOf(body: any): string | undefined {
  const find = (value: unknown): string | undefined => {
    if (value === null || typeof value !== 'object') return undefined;
    const object = value as Record<string, unknown>;
    if (typeof object['referralId'] === 'string') return object['referralId'];
    for (const child of Object.values(object)) {
      const found = find(child);
      if (found) return found;
    }
    return undefined;
  };
  return find(body?.attachments);
}

/** Most requests in any window of `windowMs` (sliding, over the given times). */
function busiest(times: number[], windowMs: number): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while (times[to]! - times[from]! >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

async function main(): Promise<void> {
  const fake = await startFakeConnector({
    enforceLimits: true,
    threadLimits: scaled(TEAMS_THREAD_LIMITS),
    tenantLimits: scaled(TEAMS_TENANT_LIMITS),
    tenantId: TENANT,
    latencyMs: LATENCY_MS * SCALE,
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'referral-desk-delivery-bench-'));
  const config = readConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  const app = await startApp(config, { log: createLogger('silent'), sender: { pacing: { timeScale: SCALE } } });
  try {
    const target: ConversationTarget = {
      key: `channel:${CHANNEL}`,
      kind: 'channel',
      reference: {
        serviceUrl: fake.url,
        channelId: 'msteams',
        conversation: { id: CHANNEL, tenantId: TENANT, conversationType: 'channel' },
        bot: { id: '28:bench-bot', name: 'Referral Desk' },
      },
      tenantId: TENANT,
      teamName: 'Bench',
      channelName: 'Referrals',
      active: true,
      updatedAt: new Date().toISOString(),
    };
    await app.store.updateState((state) => ({
      state: {
        ...state,
        conversations: { ...state.conversations, [target.key]: target },
        routes: [{ id: 'bench-route', target: target.key, filters: {}, createdAt: new Date().toISOString() }],
      },
      result: undefined,
    }));

    progress(`delivery bench: ${COUNT} RFIs → one channel; Teams' limits × ${SCALE} (60 per ${30 * SCALE} s), fake latency ${LATENCY_MS * SCALE} ms`);
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const id = `bench-rfi-${String(i).padStart(4, '0')}`;
      ids.push(id);
      const response = await postReferral(app.url, { ...sampleRfi(id), createdDateTime: new Date().toISOString() });
      if (response.status !== 201) throw new Error(`intake of ${id} answered ${response.status}`);
    }
    progress(`  ${COUNT} RFIs taken in (${Date.now() - started} ms); delivering…`);

    const expectedMs = (COUNT / CEILING_PER_S) * 1000 * SCALE;
    const deadline = Date.now() + expectedMs * 1.5 + 60_000;
    let lastReport = 0;
    const channelPosts = () => fake.posts().filter((request) => request.conversationId === CHANNEL);
    for (;;) {
      const delivered = channelPosts().length;
      const empty = app.store.openRecords().every((record) => record.outbox.length === 0);
      if (delivered >= COUNT && empty) break;
      if (Date.now() > deadline) {
        progress(`  gave up waiting: ${delivered} of ${COUNT} posted`);
        break;
      }
      if (Date.now() - lastReport > Math.max(2000, expectedMs / 10)) {
        lastReport = Date.now();
        progress(`  ${delivered} / ${COUNT} posted after ${((Date.now() - started) / 1000).toFixed(1)} s, 429s so far: ${fake.throttledCount}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await app.sender.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 500 * SCALE + 100));

    const posts = channelPosts();
    const times = posts.map((request) => request.at);
    const postedIds = posts.map((request) => referralIdOf(request.body)).filter((id): id is string => id !== undefined);
    const unique = new Set(postedIds);
    const duplicates = postedIds.length - unique.size;
    const losses = ids.filter((id) => !unique.has(id)).length;
    const spanS = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 / SCALE : 0;
    const rate = spanS > 0 ? (times.length - 1) / spanS : 0;
    const ratio = rate / CEILING_PER_S;
    // Without the first window (sliding windows let the first 60 go in ~15 s): the sustained rate.
    const steadyFrom = Math.min(60, times.length - 1);
    const steadySpanS = times.length - 1 > steadyFrom ? (times[times.length - 1]! - times[steadyFrom]!) / 1000 / SCALE : 0;
    const steadyRatio = steadySpanS > 0 ? (times.length - 1 - steadyFrom) / steadySpanS / CEILING_PER_S : 0;
    const windows = { '1s': busiest(times, 1000 * SCALE), '2s': busiest(times, 2000 * SCALE), '30s': busiest(times, 30_000 * SCALE) };
    const inOrder = postedIds.every((id, i) => i === 0 || id > postedIds[i - 1]!);

    const figures = {
      count: COUNT,
      scale: SCALE,
      latencyMs: LATENCY_MS,
      posted: posts.length,
      spanSeconds: Number(spanS.toFixed(1)),
      ratePerSecond: Number(rate.toFixed(3)),
      ratio: Number(ratio.toFixed(3)),
      steadyRatio: Number(steadyRatio.toFixed(3)),
      throttled: fake.throttledCount,
      duplicates,
      losses,
      inOrder,
      busiestWindows: windows,
    };
    progress('');
    progress(`  posted            ${posts.length} of ${COUNT} (${duplicates} duplicates, ${losses} lost; in intake order: ${inOrder ? 'yes' : 'NO'})`);
    progress(`  first → last post ${spanS.toFixed(1)} s (Teams time)`);
    progress(`  achieved rate     ${rate.toFixed(3)} posts/s = ${ratio.toFixed(3)} × the 60-per-30-s ceiling (goal ≥ 0.9)`);
    progress(`  sustained         ${steadyRatio.toFixed(3)} × the ceiling after the first 60 posts (the first window's burst left out)`);
    progress(`  429s received     ${fake.throttledCount} (goal 0)`);
    progress(`  busiest windows   ${windows['1s']} in 1 s (≤ 7), ${windows['2s']} in 2 s (≤ 8), ${windows['30s']} in 30 s (≤ 60)`);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await app.stop();
    await fake.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`delivery bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
