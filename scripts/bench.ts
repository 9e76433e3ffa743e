// `npm run bench`: the speed and memory goals, measured. Each figure is reported for a small and a
// large store, measured in the same run, with the ratio large / small (the machines are shared and
// noisy, so ratios are what we compare).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printRatioTable } from './bench/percentiles.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SMALL = 100;
const LARGE = 50_000;

function runStep(script: string, args: string[]): string {
  return execFileSync(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', path.join(here, 'bench', script), ...args], {
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

function storeFigures(count: number): StoreFigures {
  const dir = mkdtempSync(path.join(os.tmpdir(), `referral-desk-bench-${count}-`));
  try {
    process.stdout.write(`seeding ${count} referrals (95 % closed)… `);
    runStep('store-bench.ts', ['seed', dir, String(count)]);
    process.stdout.write('measuring…\n');
    const out = runStep('store-bench.ts', ['measure', dir]).trim().split('\n').pop()!;
    return JSON.parse(out) as StoreFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const small = storeFigures(SMALL);
const large = storeFigures(LARGE);
printRatioTable(`Store and intake: ${LARGE} vs ${SMALL} referrals already stored (95 % closed)`, `${SMALL}`, `${LARGE}`, [
  { metric: 'intake latency p50', small: small.intakeP50, large: large.intakeP50, unit: 'ms' },
  { metric: 'intake latency p95', small: small.intakeP95, large: large.intakeP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'accept latency p50', small: small.acceptP50, large: large.acceptP50, unit: 'ms' },
  { metric: 'accept latency p95', small: small.acceptP95, large: large.acceptP95, unit: 'ms', goal: 'ratio ≤ 2' },
  { metric: 'peak RSS', small: small.peakRssMb, large: large.peakRssMb, unit: 'MB' },
  { metric: 'start-up (store open + listen)', small: small.startupMs, large: large.startupMs, unit: 'ms' },
]);
console.log(`stored at measure time: small ${JSON.stringify(small.stored)}, large ${JSON.stringify(large.stored)}`);
