// One size of the store benchmark, run in its own process so that RSS and start-up are that
// size's alone: `seed <dir> <n>` fills a data directory; `measure <dir>` starts the real service
// on it and times intake (HTTP) and accept (through the store), printing one JSON line.

import { performance } from 'node:perf_hooks';
import { startApp } from '../../bot/app.js';
import { readConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { applyCommand } from '../../bot/use-cases/apply-command.js';
import { benchRfi, seedStore } from './fixtures.js';
import { percentile } from './percentiles.js';

const OPERATIONS = 300;
const WARMUP = 30;

async function measure(dataDir: string, databaseUrl?: string): Promise<void> {
  const config = readConfig({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...(databaseUrl && { DATABASE_URL: databaseUrl }) });
  // The fixtures' referrals were created from 2024-01-01 on: with the clock there, no timer falls due
  // while we measure, so the figures are intake and accept alone.
  const clock = () => new Date('2024-01-01T00:00:00.000Z');
  const started = performance.now();
  const app = await startApp(config, { log: createLogger('silent'), clock });
  const startupMs = performance.now() - started;

  const intake: number[] = [];
  for (let i = 0; i < WARMUP + OPERATIONS; i++) {
    const body = JSON.stringify(benchRfi(`new-${i}`, i));
    const t0 = performance.now();
    const res = await fetch(`${app.url}/api/referrals`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
    if (i >= WARMUP) intake.push(performance.now() - t0);
  }

  const accept: number[] = [];
  const actor = { id: 'aaaaaaaa-0000-0000-0000-000000000009', name: 'Bench Seller' };
  for (let i = 0; i < WARMUP + OPERATIONS; i++) {
    const t0 = performance.now();
    const result = await applyCommand(app.commands, `new-${i}`, {
      type: 'accept',
      actor,
      fields: { name: `Deal ${i}`, dealValue: 1000, currency: 'EUR', closingDateTime: '2027-06-30T00:00:00.000Z' },
      contacts: [],
    });
    if (!result.ok) throw result.error;
    if (i >= WARMUP) accept.push(performance.now() - t0);
  }
  const stats = await app.store.stats();
  await app.stop();
  console.log(
    JSON.stringify({
      stored: stats,
      startupMs,
      intakeP50: percentile(intake, 50),
      intakeP95: percentile(intake, 95),
      acceptP50: percentile(accept, 50),
      acceptP95: percentile(accept, 95),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

// With a database URL after the arguments, the same figures for the PostgreSQL store.
const [mode, dataDir, count, seedDatabase] = process.argv.slice(2);
const openWork = process.env['BENCH_OPEN_WORK'];
if (mode === 'seed' && dataDir && count) await seedStore(dataDir, Number(count), seedDatabase || undefined, openWork ? Number(openWork) : undefined);
else if (mode === 'measure' && dataDir) await measure(dataDir, count);
else throw new Error('usage: store-bench.ts seed <dir> <count> [database URL] | measure <dir> [database URL]');
