// `npm run bench`: the speed and memory goals, measured. Each figure is reported for a small and a
// large store, measured in the same run, with the ratio large / small (the machines are shared and
// noisy, so ratios are what we compare).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabase, freshDatabase } from './bench/databases.js';
import { printRatioTable } from './bench/percentiles.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SMALL = 100;
const LARGE = 50_000;
/** The open work of the start-up rows: the same in both stores, so only the history differs. */
const HISTORY_OPEN = 100;

function runStep(script: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', path.join(here, 'bench', script), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

interface StoreFigures {
  stored: { open: number; archived: number };
  startupMs: number;
  intakeP50: number;
  intakeP95: number;
  acceptP50: number;
  acceptP95: number;
  peakRssMb: number;
}

/**
 * Seeds a fresh data directory with `count` referrals, then measures it, each step in its own
 * process. With `openWork`, that many are open and the rest is history (else 5 % are open).
 */
function figures<T>(script: string, count: number, openWork?: number): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), `referral-desk-bench-${count}-`));
  const env: Record<string, string> = openWork === undefined ? {} : { BENCH_OPEN_WORK: String(openWork) };
  try {
    process.stdout.write(`${script}: seeding ${count} referrals (${openWork === undefined ? '95 % closed' : `${openWork} open`})… `);
    runStep(script, ['seed', dir, String(count)], env);
    process.stdout.write('measuring…\n');
    return JSON.parse(runStep(script, ['measure', dir]).trim().split('\n').pop()!) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The store figures on a fresh PostgreSQL database of the server `adminUrl` names (dropped afterwards). */
async function postgresFigures(adminUrl: string, count: number, openWork?: number): Promise<StoreFigures> {
  const name = `referral_desk_bench_store_${count}_${openWork ?? 'mixed'}`;
  const target = await freshDatabase(adminUrl, name);
  const dir = mkdtempSync(path.join(os.tmpdir(), `referral-desk-bench-pg-${count}-`));
  try {
    process.stdout.write(`store-bench.ts on PostgreSQL: seeding ${count} referrals (${openWork === undefined ? '95 % closed' : `${openWork} open`})… `);
    runStep('store-bench.ts', ['seed', dir, String(count), target], openWork === undefined ? {} : { BENCH_OPEN_WORK: String(openWork) });
    process.stdout.write('measuring…\n');
    return JSON.parse(runStep('store-bench.ts', ['measure', dir, target]).trim().split('\n').pop()!) as StoreFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(adminUrl, name);
  }
}

/** With DATABASE_URL (a server where this user may create databases): the PostgreSQL store and several instances. */
async function postgresSection(adminUrl: string): Promise<void> {
  const pgSmall = await postgresFigures(adminUrl, SMALL);
  const pgLarge = await postgresFigures(adminUrl, LARGE);
  printRatioTable(`PostgreSQL store: ${LARGE} vs ${SMALL} referrals already stored (95 % closed)`, `${SMALL}`, `${LARGE}`, [
    { metric: 'intake latency p50', small: pgSmall.intakeP50, large: pgLarge.intakeP50, unit: 'ms' },
    { metric: 'intake latency p95', small: pgSmall.intakeP95, large: pgLarge.intakeP95, unit: 'ms', goal: 'ratio ≤ 1.5' },
    { metric: 'accept latency p50', small: pgSmall.acceptP50, large: pgLarge.acceptP50, unit: 'ms' },
    { metric: 'accept latency p95', small: pgSmall.acceptP95, large: pgLarge.acceptP95, unit: 'ms', goal: 'ratio ≤ 1.5' },
    { metric: 'start-up (migrate, load open work, listen)', small: pgSmall.startupMs, large: pgLarge.startupMs, unit: 'ms' },
  ]);
  const pgFresh = await postgresFigures(adminUrl, HISTORY_OPEN, HISTORY_OPEN);
  const pgAged = await postgresFigures(adminUrl, LARGE, HISTORY_OPEN);
  printRatioTable(`PostgreSQL start-up: ${HISTORY_OPEN} open with ${LARGE - HISTORY_OPEN} closed vs with none`, 'no history', `${LARGE} stored`, [
    { metric: 'start-up (migrate, load open work, listen)', small: pgFresh.startupMs, large: pgAged.startupMs, unit: 'ms', goal: 'ratio ≤ 2' },
  ]);
  process.stdout.write('\npostgres-bench.ts: 600 RFIs through 1 and through 3 instances, then a kill -9 of the leader…\n');
  const several = JSON.parse(runStep('postgres-bench.ts', ['--database', adminUrl]).trim().split('\n').pop()!) as {
    oneInstancePerSecond: number;
    threeInstancesPerSecond: number;
    failoverMs: number;
  };
  console.log('\nSeveral instances on one PostgreSQL database (round-robin proxy, 24 concurrent callers)');
  console.log(`  intake, 1 instance                  ${several.oneInstancePerSecond.toFixed(0)} RFIs/s`);
  console.log(`  intake, 3 instances                 ${several.threeInstancesPerSecond.toFixed(0)} RFIs/s`);
  console.log(
    `  throughput ratio 3 / 1              ${(several.threeInstancesPerSecond / several.oneInstancePerSecond).toFixed(2)} (on ${os.cpus().length} cores)`,
  );
  console.log(
    `  scheduler failover after kill -9    ${(several.failoverMs / 1000).toFixed(1)} s (SCHEDULER_FAILOVER PT30S: at most 10 s after a kill, 30 s for a silent machine)`,
  );
}

const databaseUrl = process.env['DATABASE_URL'] ?? '';
if (process.argv.includes('--postgres-only')) {
  if (!databaseUrl) throw new Error('--postgres-only needs DATABASE_URL');
  await postgresSection(databaseUrl);
  process.exit(0);
}

const small = figures<StoreFigures>('store-bench.ts', SMALL);
const large = figures<StoreFigures>('store-bench.ts', LARGE);
printRatioTable(`Store and intake: ${LARGE} vs ${SMALL} referrals already stored (95 % closed)`, `${SMALL}`, `${LARGE}`, [
  { metric: 'intake latency p50', small: small.intakeP50, large: large.intakeP50, unit: 'ms' },
  { metric: 'intake latency p95', small: small.intakeP95, large: large.intakeP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'accept latency p50', small: small.acceptP50, large: large.acceptP50, unit: 'ms' },
  { metric: 'accept latency p95', small: small.acceptP95, large: large.acceptP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'peak RSS', small: small.peakRssMb, large: large.peakRssMb, unit: 'MB' },
  { metric: 'start-up (store open + listen)', small: small.startupMs, large: large.startupMs, unit: 'ms' },
]);
console.log(`stored at measure time: small ${JSON.stringify(small.stored)}, large ${JSON.stringify(large.stored)}`);
console.log('(start-up above grows with the open work: 5 vs 2,500 open referrals are loaded before listening)');

const fresh = figures<StoreFigures>('store-bench.ts', HISTORY_OPEN, HISTORY_OPEN);
const aged = figures<StoreFigures>('store-bench.ts', LARGE, HISTORY_OPEN);
printRatioTable(`Start-up: ${HISTORY_OPEN} open referrals with ${LARGE - HISTORY_OPEN} closed vs with none`, 'no history', `${LARGE} stored`, [
  { metric: 'start-up (store open + listen)', small: fresh.startupMs, large: aged.startupMs, unit: 'ms', goal: 'ratio ≤ 2' },
]);

interface SchedulerFigures {
  stored: { open: number; archived: number };
  timers: number;
  indexBuildMs: number;
  wakeP50: number;
  wakeP95: number;
  idleWakeP50: number;
  idleWakeP95: number;
  indexUpdateP50: number;
  indexUpdateP95: number;
  storeWriteP50: number;
}

const schedSmall = figures<SchedulerFigures>('scheduler-bench.ts', SMALL);
const schedLarge = figures<SchedulerFigures>('scheduler-bench.ts', LARGE);
printRatioTable(`Scheduler: one wake-up, ${LARGE} vs ${SMALL} referrals already stored (95 % closed)`, `${SMALL}`, `${LARGE}`, [
  { metric: 'wake-up firing 1 timer p50', small: schedSmall.wakeP50, large: schedLarge.wakeP50, unit: 'ms' },
  { metric: 'wake-up firing 1 timer p95', small: schedSmall.wakeP95, large: schedLarge.wakeP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'idle wake-up p50', small: schedSmall.idleWakeP50, large: schedLarge.idleWakeP50, unit: 'µs', goal: 'ratio ≤ 2' },
  { metric: 'index update (onChange) p50', small: schedSmall.indexUpdateP50, large: schedLarge.indexUpdateP50, unit: 'µs', goal: 'ratio ≤ 2' },
  { metric: 'store write alone p50', small: schedSmall.storeWriteP50, large: schedLarge.storeWriteP50, unit: 'ms' },
  { metric: 'index build at start (once)', small: schedSmall.indexBuildMs, large: schedLarge.indexBuildMs, unit: 'ms' },
]);
console.log(`scheduler: timers indexed at start: small ${schedSmall.timers}, large ${schedLarge.timers}`);

interface AssignmentFigures {
  stored: { open: number; archived: number };
  assignP50: number;
  assignP95: number;
  choiceP50: number;
}

const ASSIGN_SMALL = 100;
const ASSIGN_LARGE = 5_000;
const assignSmall = figures<AssignmentFigures>('assignment-bench.ts', ASSIGN_SMALL, ASSIGN_SMALL);
const assignLarge = figures<AssignmentFigures>('assignment-bench.ts', ASSIGN_LARGE, ASSIGN_LARGE);
printRatioTable(`Assignment: a pool of 50, ${ASSIGN_LARGE} vs ${ASSIGN_SMALL} open referrals assigned already`, `${ASSIGN_SMALL}`, `${ASSIGN_LARGE}`, [
  { metric: 'assignment decision p50', small: assignSmall.assignP50, large: assignLarge.assignP50, unit: 'ms' },
  { metric: 'assignment decision p95', small: assignSmall.assignP95, large: assignLarge.assignP95, unit: 'ms', goal: 'ratio ≤ 1.5' },
  { metric: 'choice alone p50', small: assignSmall.choiceP50, large: assignLarge.choiceP50, unit: 'µs', goal: 'ratio ≤ 1.5' },
]);

// Delivery pacing against a connector that enforces Teams' per-thread limits. With the real limits
// this takes about 4 minutes; DELIVERY_BENCH_SCALE=0.1 shortens every window tenfold.
const deliveryScale = process.env['DELIVERY_BENCH_SCALE'] ?? '1';
process.stdout.write(`\ndelivery: 500 RFIs to one channel, Teams' per-thread limits × ${deliveryScale} (≈ ${Math.round(255 * Number(deliveryScale))} s)…\n`);
const delivery = JSON.parse(runStep('delivery-bench.ts', ['--count', '500', '--scale', deliveryScale]).trim().split('\n').pop()!) as {
  ratio: number;
  steadyRatio: number;
  ratePerSecond: number;
  spanSeconds: number;
  throttled: number;
  duplicates: number;
  losses: number;
};
console.log("\nDelivery pacing: 500 RFIs → one channel, connector enforcing Teams' per-thread limits");
console.log(
  `  achieved rate / 60-per-30-s ceiling  ${delivery.ratio.toFixed(3)} (goal ≥ 0.9; sustained ${delivery.steadyRatio.toFixed(3)}; ${delivery.ratePerSecond} posts/s over ${delivery.spanSeconds} s)`,
);
console.log(`  429s received                        ${delivery.throttled} (goal 0)`);
console.log(`  duplicates / losses                  ${delivery.duplicates} / ${delivery.losses} (goal 0 / 0)`);

// Partner Center: the real bot against the fake Partner Center, with a small and a large history
// already there (taken in by the first poll before anything is measured).
interface PartnerCenterFigures {
  referrals: number;
  webhookP50: number;
  webhookP95: number;
  pollPerChangedMs: number;
  pollPages: number;
}
const PC_SMALL = 100;
const PC_LARGE = 5000;
function partnerCenterFigures(count: number): PartnerCenterFigures {
  process.stdout.write(`\npartner-center-bench.ts: ${count} referrals already in Partner Center…\n`);
  return JSON.parse(
    runStep('partner-center-bench.ts', ['--referrals', String(count)])
      .trim()
      .split('\n')
      .pop()!,
  ) as PartnerCenterFigures;
}
const pcSmall = partnerCenterFigures(PC_SMALL);
const pcLarge = partnerCenterFigures(PC_LARGE);
printRatioTable(`Partner Center: ${PC_LARGE} vs ${PC_SMALL} referrals already in Partner Center`, `${PC_SMALL}`, `${PC_LARGE}`, [
  { metric: 'signed webhook → card posted p50', small: pcSmall.webhookP50, large: pcLarge.webhookP50, unit: 'ms' },
  { metric: 'signed webhook → card posted p95', small: pcSmall.webhookP95, large: pcLarge.webhookP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'reconcile poll per changed referral', small: pcSmall.pollPerChangedMs, large: pcLarge.pollPerChangedMs, unit: 'ms', goal: 'ratio ≤ 1.5' },
  { metric: 'pages listed per poll', small: pcSmall.pollPages, large: pcLarge.pollPages, unit: '' },
]);

if (databaseUrl) await postgresSection(databaseUrl);
else
  console.log(
    '\nPostgreSQL: skipped (set DATABASE_URL to a server where this user may create databases to measure the PostgreSQL store and several instances)',
  );
