// One size of the assignment benchmark, run in its own process like store-bench.ts:
// `seed <dir> <n>` fills a data directory with n open referrals, each assigned to one person of a
// 50-person pool of one channel; `measure <dir>` takes new referrals in and times, for each, the
// assignment decision as the Assigner makes it (bot/use-cases/assignment.ts assignNew: the pick
// kept in the state, then applyCommand), and prints one JSON line:
//   assignP50/P95   assignNew for one new referral: the load of every pool member (open referrals
//                   held), the rotation's choice, the state write, the referral's write
//   choiceP50       the choice alone (the load index read + chooseAssignee), in µs

import { performance } from 'node:perf_hooks';
import { UTC_DISPLAY } from '../../cards/display.js';
import { applyCommand, type CommandDeps } from '../../bot/use-cases/apply-command.js';
import { assignNew, type AssignmentDeps } from '../../bot/use-cases/assignment.js';
import { chooseAssignee, type PoolMember } from '../../referrals/assignment.js';
import { LoadIndex } from '../../bot/use-cases/load-index.js';
import { DEFAULT_POLICY } from '../../referrals/policy.js';
import { LowdbStore } from '../../storage/lowdb-store.js';
import type { ReferralRecord } from '../../storage/store.js';
import { benchRecord, benchRfi } from './fixtures.js';
import { percentile } from './percentiles.js';
import { applyEvents } from '../../referrals/evolve.js';
import { decide } from '../../referrals/lifecycle.js';

const OPERATIONS = 300;
const WARMUP = 30;
const CHANNEL = 'channel:19:bench@thread.tacv2';
const NOW = Date.parse('2024-01-01T00:00:00.000Z');
const MEMBERS: PoolMember[] = Array.from({ length: 50 }, (_, i) => ({
  id: `bbbbbbbb-0000-0000-0000-${String(i).padStart(12, '0')}`,
  name: `Seller ${i}`,
  weight: 1 + (i % 3),
}));

function assignedRecord(i: number): ReferralRecord {
  const record = benchRecord(i - (i % 40)); // a New one
  const member = MEMBERS[i % MEMBERS.length]!;
  const referral = { ...record.referral, id: `bench-${i}` };
  const at = new Date(Date.parse(referral.receivedDateTime) + 60_000);
  const decision = decide(
    referral,
    { type: 'assign', next: { assignee: member, answerBy: new Date(NOW + 86_400_000).toISOString(), windowMs: 7_200_000, skipped: [] } },
    at,
    DEFAULT_POLICY,
  );
  if (!decision.ok) throw decision.error;
  return { referral: applyEvents(referral, decision.events), outbox: [], card: { target: CHANNEL, activityId: `a${i}` } };
}

async function seed(dataDir: string, count: number): Promise<void> {
  const store = new LowdbStore({ dataDir });
  await store.open();
  for (let start = 0; start < count; start += 5000) {
    await store.importRecords(Array.from({ length: Math.min(5000, count - start) }, (_, k) => assignedRecord(start + k)));
  }
  await store.updateState((state) => ({
    state: { ...state, assignment: { ...state.assignment, pools: { [CHANNEL]: { members: MEMBERS, since: new Date(0).toISOString(), rotation: {} } } } },
    result: undefined,
  }));
  await store.close();
}

async function measure(dataDir: string): Promise<void> {
  const store = new LowdbStore({ dataDir });
  await store.open();
  const commands: CommandDeps = {
    store,
    policy: DEFAULT_POLICY,
    clock: () => new Date(NOW),
    plan: ({ events }) => (events.some((event) => event.type === 'received') ? { outbox: [], card: { target: CHANNEL } } : { outbox: [] }),
    display: UTC_DISPLAY,
  };
  const load = new LoadIndex(store);
  const deps: AssignmentDeps = { commands, respondWithinMs: 7_200_000, load };
  const assignMs: number[] = [];
  const choiceUs: number[] = [];
  const state = store.readState();
  for (let n = 0; n < OPERATIONS + WARMUP; n++) {
    const id = `new-${n}`;
    const taken = await applyCommand(commands, id, { type: 'takeIn', rfi: benchRfi(id, n) });
    if (!taken.ok) throw taken.error;
    const c0 = performance.now();
    chooseAssignee({ pool: state.assignment.pools[CHANNEL]!, rotation: {}, away: {}, load: load.load(id), tried: [], today: '2024-01-01' });
    const c1 = performance.now();
    const t0 = performance.now();
    const result = await assignNew(deps, id);
    const t1 = performance.now();
    if (!result?.ok) throw new Error(`not assigned: ${id}`);
    if (n >= WARMUP) {
      assignMs.push(t1 - t0);
      choiceUs.push((c1 - c0) * 1000);
    }
  }
  const stats = await store.stats();
  await store.close();
  console.log(JSON.stringify({ stored: stats, assignP50: percentile(assignMs, 50), assignP95: percentile(assignMs, 95), choiceP50: percentile(choiceUs, 50) }));
}

const [mode, dir, count] = process.argv.slice(2);
if (mode === 'seed' && dir && count) await seed(dir, Number(count));
else if (mode === 'measure' && dir) await measure(dir);
else throw new Error('usage: assignment-bench.ts seed <dir> <n> | measure <dir>');
