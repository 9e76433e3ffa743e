// The PostgreSQL step of `npm run bench` (docs/architecture.md#several-instances), with the real bot
// in child processes on a fresh database of the server given: intake throughput with one instance
// versus three behind a round-robin proxy, and how long the scheduler takes to fail over after the
// leader is killed -9. Prints one JSON line.
//   postgres-bench.ts --database <postgres:// URL of a server where this user may create databases>

import { startRoundRobinProxy } from '../../test/support/round-robin-proxy.js';
import { removeDir, startChildService, tempDataDir, type ChildService } from '../../test/support/start-service.js';
import { dropDatabase, freshDatabase } from './databases.js';
import { benchRfi } from './fixtures.js';

const RFIS = 600;
const CALLERS = 24;

interface Instance {
  service: ChildService;
  dataDir: string;
}

async function startInstance(databaseUrl: string): Promise<Instance> {
  const dataDir = await tempDataDir();
  return { service: await startChildService({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl }), dataDir };
}

async function stopInstance(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const { child, exited } = instance.service;
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  await exited;
  await removeDir(instance.dataDir);
}

/** RFIs per second taken in through `url` by CALLERS concurrent callers. */
async function intakeThroughput(url: string, prefix: string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (next < RFIS) {
        const n = next++;
        const res = await fetch(`${url}/api/referrals`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(benchRfi(`${prefix}-${n}`, n)),
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`intake answered ${res.status}`);
      }
    }),
  );
  return RFIS / ((performance.now() - started) / 1000);
}

async function throughputWith(adminUrl: string, count: number): Promise<number> {
  const name = `referral_desk_bench_${count}x`;
  const databaseUrl = await freshDatabase(adminUrl, name);
  const instances: Instance[] = [];
  for (let n = 0; n < count; n++) instances.push(await startInstance(databaseUrl));
  const proxy = await startRoundRobinProxy(() => instances.map((instance) => instance.service.url));
  try {
    await intakeThroughput(proxy.url, 'warm');
    return await intakeThroughput(proxy.url, 'measured');
  } finally {
    await proxy.close();
    for (const instance of instances) await stopInstance(instance);
    await dropDatabase(adminUrl, name);
  }
}

async function health(instance: Instance): Promise<{ scheduler?: { leader?: boolean; current?: unknown } }> {
  try {
    return (await (await fetch(`${instance.service.url}/healthz`)).json()) as { scheduler?: { leader?: boolean; current?: unknown } };
  } catch {
    return {};
  }
}

async function isLeader(instance: Instance): Promise<boolean> {
  return (await health(instance)).scheduler?.leader === true;
}

/** Milliseconds from kill -9 of the leader until the other instance leads, at the default SCHEDULER_FAILOVER. */
async function failoverMs(adminUrl: string): Promise<number> {
  const databaseUrl = await freshDatabase(adminUrl, 'referral_desk_bench_failover');
  const first = await startInstance(databaseUrl);
  const second = await startInstance(databaseUrl);
  try {
    if (!(await isLeader(first))) throw new Error('the first instance does not lead');
    // "listening" comes before the first try for the lock: wait until the second has tried and follows.
    while ((await health(second)).scheduler?.current === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    // Kill at a random point between two of its tries, as a real failure would.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 10_000));
    const killedAt = performance.now();
    first.service.child.kill('SIGKILL');
    while (!(await isLeader(second))) {
      if (performance.now() - killedAt > 120_000) throw new Error('no failover within 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return performance.now() - killedAt;
  } finally {
    await stopInstance(first, 'SIGKILL');
    await stopInstance(second);
    await dropDatabase(adminUrl, 'referral_desk_bench_failover');
  }
}

const index = process.argv.indexOf('--database');
const adminUrl = index >= 0 ? process.argv[index + 1] : undefined;
if (!adminUrl) throw new Error('usage: postgres-bench.ts --database <postgres:// URL>');
const one = await throughputWith(adminUrl, 1);
const three = await throughputWith(adminUrl, 3);
const failover = await failoverMs(adminUrl);
console.log(JSON.stringify({ oneInstancePerSecond: one, threeInstancesPerSecond: three, failoverMs: failover }));
