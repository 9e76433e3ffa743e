// One Partner Center benchmark step (scripts/bench.ts runs it): the real bot in a child process
// against the fake Partner Center and the fake Teams connector, as the component tests run it.
// Measures webhook-to-card latency (signed webhook in → the card posted in the channel) and the
// cost of a reconcile poll per changed referral with `--referrals N` already in Partner Center.
// Prints one JSON line.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeConnector } from '../../test/support/fake-connector.js';
import { startFakePartnerCenter } from '../../test/support/fake-partner-center/index.js';
import { channelMention, fixture, installationUpdate } from '../../test/support/teams-activities.js';
import { percentile } from './percentiles.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const referrals = Number(process.argv[process.argv.indexOf('--referrals') + 1] ?? '100');
const WEBHOOKS = 40;
// Below Teams' per-thread limits (7 per second, 60 per 30 s): the figure is our latency, not the pacer's wait.
const WEBHOOK_SPACING_MS = 300;
const POLLS = 5;
const CHANGED_PER_POLL = 10;

function resource(id: string, ageMs: number): Record<string, unknown> {
  const created = new Date(Date.now() - ageMs).toISOString();
  return {
    id,
    name: `Benchmark referral ${id}`,
    status: 'New',
    substatus: 'Pending',
    createdDateTime: created,
    updatedDateTime: created,
    expirationDateTime: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    customerProfile: { name: `Customer ${id}`, address: { country: 'DE' }, team: [{ firstName: 'Chris', lastName: 'Customer', email: `c-${id}@example.com` }] },
    details: { notes: 'Wants to move to Azure', requirements: { products: [{ id: 'AzureSQLDatabase' }] } },
  };
}

async function post(url: string, body: object): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

async function until<T>(probe: () => T | undefined | false, timeoutMs = 120_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function main(): Promise<void> {
  const pc = await startFakePartnerCenter({ autoApprove: true });
  const teams = await startFakeConnector();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'referral-desk-pc-bench-'));
  // Everything already in Partner Center when the bot starts: an old history, taken in by the first poll.
  const oldChange = new Date(Date.now() - 30 * 86_400_000).toISOString();
  for (let i = 0; i < referrals; i++) pc.api.put({ ...resource(`old-${i}`, 30 * 86_400_000), status: 'Closed', substatus: 'Expired' }, oldChange);
  const env = {
    PATH: process.env['PATH'] ?? '',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATA_DIR: dataDir,
    PARTNER_CENTER_TOKEN_KEY: 'bench-token-key-0123456789abcdef0123',
    PARTNER_CENTER_POLL_EVERY: 'PT1H',
    ...pc.env,
  };
  const bot = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/main.ts'], { cwd: ROOT, env });
  let log = '';
  bot.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  bot.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  try {
    const url = await until(() => /"msg":"listening","url":"([^"]+)"/.exec(log)?.[1], 30_000);
    const login = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/partner-center.ts', 'login'], {
      cwd: ROOT,
      env: { ...env, LOG_LEVEL: 'warn' },
    });
    if ((await new Promise((resolve) => login.once('exit', resolve))) !== 0) throw new Error('login failed');
    // The first poll (woken by the sign-in) takes the whole history in.
    const stored = async () => ((await (await fetch(`${url}/healthz`)).json()) as { referrals: { open: number; archived: number } }).referrals;
    for (;;) {
      const counts = await stored();
      if (counts.open + counts.archived >= referrals) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await post(`${url}/api/messages`, installationUpdate('add', { serviceUrl: teams.url }));
    await post(`${url}/api/messages`, channelMention('subscribe', { serviceUrl: teams.url, channel: fixture.team.emea }));

    const latencies: number[] = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const id = `hook-${i}`;
      pc.api.put(resource(id, 60_000));
      const started = performance.now();
      const answer = await pc.deliver(url, pc.event('referral-created', id));
      if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}`);
      await until(() => teams.posts().some((request) => JSON.stringify(request.body).includes(`"referralId":"${id}"`)), 30_000);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, WEBHOOK_SPACING_MS - (performance.now() - started))));
    }

    // Polls with a few changes each: their cost must follow the changes, not what Partner Center holds.
    const perChanged: number[] = [];
    const pages: number[] = [];
    for (let poll = 0; poll < POLLS; poll++) {
      for (let i = 0; i < CHANGED_PER_POLL; i++) pc.api.put(resource(`new-${poll}-${i}`, 60_000));
      const before = (log.match(/poll took in changes/g) ?? []).length;
      // A sign-in written again wakes the poll (the token cache watch): the cheapest way to ask for one now.
      const relogin = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/partner-center.ts', 'login'], {
        cwd: ROOT,
        env: { ...env, LOG_LEVEL: 'warn' },
      });
      await new Promise((resolve) => relogin.once('exit', resolve));
      const line = await until(() => {
        const lines = log.split('\n').filter((entry) => entry.includes('poll took in changes'));
        return lines.length > before ? lines.at(-1) : undefined;
      }, 60_000);
      const entry = JSON.parse(line) as { durationMs: number; changed: number; pages: number };
      perChanged.push(entry.durationMs / Math.max(1, entry.changed));
      pages.push(entry.pages);
    }
    process.stdout.write(
      `${JSON.stringify({
        referrals,
        webhookP50: Math.round(percentile(latencies, 50) * 10) / 10,
        webhookP95: Math.round(percentile(latencies, 95) * 10) / 10,
        pollPerChangedMs: Math.round(percentile(perChanged, 50) * 100) / 100,
        pollPages: percentile(pages, 50),
      })}\n`,
    );
  } catch (error) {
    process.stderr.write(log.split('\n').slice(-15).join('\n'));
    throw error;
  } finally {
    bot.kill('SIGTERM');
    await new Promise((resolve) => bot.once('exit', resolve));
    await teams.close();
    await pc.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
